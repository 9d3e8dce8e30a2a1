package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollapsedParserTest {

    private final CollapsedParser parser = new CollapsedParser();

    private Profile parse(String text) throws IOException {
        return parser.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "profile.collapsed");
    }

    @Test
    void metadataLinesBecomeMetadataAndOtherCommentsAreSkipped() throws IOException {
        Profile profile = parse("""
                # jflame: 1
                # event: cpu
                # interval_ns: 10000000
                # just a remark without a key
                main;run 3
                """);
        assertEquals(Map.of("jflame", "1", "event", "cpu", "interval_ns", "10000000"), profile.metadata());
        assertEquals(List.of("jflame", "event", "interval_ns"), List.copyOf(profile.metadata().keySet()));
        assertEquals("cpu", profile.meta("event").orElseThrow());
        assertTrue(profile.meta("units").isEmpty());
        assertEquals(List.of(new Stack(List.of("main", "run"), 3)), profile.stacks());
    }

    @Test
    void identicalStacksOnSeveralLinesAreSummedInFirstAppearanceOrder() throws IOException {
        Profile profile = parse("a;b 2\nx 1\na;b 5\n");
        assertEquals(List.of(new Stack(List.of("a", "b"), 7), new Stack(List.of("x"), 1)), profile.stacks());
        assertEquals(8, profile.totalSamples());
    }

    @Test
    void gzipInputIsRecognisedByItsMagicBytes(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write("# event: wall\nmain;sleep 4\n".getBytes(StandardCharsets.UTF_8));
        }
        Path file = dir.resolve("profile.collapsed.gz");
        Files.write(file, bytes.toByteArray());

        Profile profile = parser.parse(file);

        assertEquals("wall", profile.meta("event").orElseThrow());
        assertEquals(List.of(new Stack(List.of("main", "sleep"), 4)), profile.stacks());
    }

    @Test
    void concatenatedGzipMembersAreAllRead() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String part : new String[] {"a 1\n", "a 2\nb 3\n"}) {
            try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
                gzip.write(part.getBytes(StandardCharsets.UTF_8));
            }
        }
        Profile profile = parser.parse(new ByteArrayInputStream(bytes.toByteArray()), "two.gz");
        assertEquals(List.of(new Stack(List.of("a"), 3), new Stack(List.of("b"), 3)), profile.stacks());
    }

    @Test
    void malformedLineIsReportedWithSourceAndLineNumber() {
        MalformedProfileException error = assertThrows(MalformedProfileException.class,
                () -> parse("# event: cpu\n\nmain;ok 1\nmain;no_count_here\n"));
        assertEquals("profile.collapsed:4: expected 'frame;frame;... count', got 'main;no_count_here'", error.getMessage());
        assertEquals(4, error.lineNumber());
        assertEquals("profile.collapsed", error.source());
    }

    @Test
    void malformedLineEchoIsTruncatedAndControlCharactersHidden() {
        String longFrame = "x".repeat(500);
        MalformedProfileException error = assertThrows(MalformedProfileException.class,
                () -> parse("\u001b[31m" + longFrame + " many\n"));
        assertTrue(error.getMessage().startsWith("profile.collapsed:1: expected"), error.getMessage());
        assertTrue(error.getMessage().length() < 200, error.getMessage());
        assertTrue(error.getMessage().endsWith("...'"), error.getMessage());
        assertTrue(error.getMessage().indexOf('\u001b') < 0);
    }

    @Test
    void negativeOrNonNumericCountsAndMissingStacksAreMalformed() {
        for (String line : List.of("a;b -1", "a;b 1e3", "a;b .5", "42", "   7", "a;b 0x10")) {
            assertThrows(MalformedProfileException.class, () -> parse(line + "\n"), line);
        }
    }

    @Test
    void hugeCountIsReportedNotWrapped() {
        MalformedProfileException tooBig = assertThrows(MalformedProfileException.class,
                () -> parse("a 99999999999999999999\n"));
        assertTrue(tooBig.getMessage().startsWith("profile.collapsed:1: count"), tooBig.getMessage());
        MalformedProfileException overflow = assertThrows(MalformedProfileException.class,
                () -> parse("a 9000000000000000000\na 9000000000000000000\n"));
        assertTrue(overflow.getMessage().startsWith("profile.collapsed:2:"), overflow.getMessage());
    }

    @Test
    void framesMayContainSpacesBecauseTheCountIsTheLastToken() throws IOException {
        Profile profile = parse("[main tid=1];Object.wait [native];Foo::bar(int, char) 9\n");
        assertEquals(List.of("[main tid=1]", "Object.wait [native]", "Foo::bar(int, char)"),
                profile.stacks().get(0).frames());
        assertEquals(9, profile.stacks().get(0).count());
    }

    @Test
    void emptyInputGivesAnEmptyProfile() throws IOException {
        Profile profile = parse("");
        assertTrue(profile.isEmpty());
        assertEquals(0, profile.totalSamples());
        assertTrue(profile.metadata().isEmpty());
        assertTrue(parse("\n\n# only: metadata\n").isEmpty());
    }

    @Test
    void decimalCountsAreSummedExactlyAtTheLargestScaleSeen() throws IOException {
        Profile profile = parse("a 3\nb 0.25\na 1.5\n");
        assertEquals(2, profile.countScale());
        assertEquals(List.of(new Stack(List.of("a"), 450), new Stack(List.of("b"), 25)), profile.stacks());
        assertEquals("4.5", CountText.plain(profile.stacks().get(0).count(), profile.countScale()));
    }

    @Test
    void windowsLineEndsAndTrailingBlanksAreTolerated() throws IOException {
        Profile profile = parse("a;b 1\r\na;b\t2  \r\n");
        assertEquals(List.of(new Stack(List.of("a", "b"), 3)), profile.stacks());
    }

    @Test
    void invalidUtf8IsReplacedNotFatal() throws IOException {
        byte[] bytes = {'a', ';', (byte) 0xC3, (byte) 0x28, ' ', '1', '\n'};
        Profile profile = parser.parse(new ByteArrayInputStream(bytes), "bad.collapsed");
        assertEquals(1, profile.totalSamples());
        assertEquals("\uFFFD(", profile.stacks().get(0).frames().get(1));
    }

    @Test
    void bzip2AndXzAreRecognisedByContentWhateverTheFileName() throws IOException {
        byte[] text = "# units: bytes\nmain;alloc 4\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bzip2 = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream out = new BZip2CompressorOutputStream(bzip2)) {
            out.write(text);
        }
        ByteArrayOutputStream xz = new ByteArrayOutputStream();
        try (XZCompressorOutputStream out = new XZCompressorOutputStream(xz)) {
            out.write(text);
        }
        for (byte[] compressed : List.of(bzip2.toByteArray(), xz.toByteArray())) {
            Profile profile = parser.parse(new ByteArrayInputStream(compressed), "profile.txt");
            assertEquals("bytes", profile.meta("units").orElseThrow());
            assertEquals(List.of(new Stack(List.of("main", "alloc"), 4)), profile.stacks());
        }
    }

    @Test
    void skippingBadLinesReportsEachAndKeepsTheRest() throws IOException {
        List<MalformedProfileException> skipped = new ArrayList<>();
        Profile profile = parser.skippingBadLines(skipped::add).parse(new ByteArrayInputStream(
                "a;b 1\nno count\na;b 2\nc -3\n".getBytes(StandardCharsets.UTF_8)), "in");
        assertEquals(List.of(new Stack(List.of("a", "b"), 3)), profile.stacks());
        assertEquals(List.of(2L, 4L), skipped.stream().map(MalformedProfileException::lineNumber).toList());
        assertTrue(skipped.get(0).getMessage().startsWith("in:2: expected"), skipped.get(0).getMessage());
    }

    @Test
    void onlyDistinctStacksAreKeptNotLines() throws IOException {
        // A million lines over three stacks: the model holds three, and the frames are shared.
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1_000_000; i++) {
            text.append("main;work;leaf").append(i % 3).append(" 1\n");
        }
        Profile profile = parse(text.toString());
        assertEquals(3, profile.stacks().size());
        assertEquals(1_000_000, profile.totalSamples());
        assertSame(profile.stacks().get(0).frames().get(1), profile.stacks().get(2).frames().get(1));
    }
}
