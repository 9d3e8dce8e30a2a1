package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link CollapsedParser#parseTree}, the fast path that reads input bytes straight into a tree,
 * must draw exactly what {@link CollapsedParser#parse} followed by {@link FrameTree#of} draws,
 * for every shape option, odd input and error.
 */
class ParseTreeTest {
    private static final long SEED = 0x7472656573L;
    private static final String[] NAMES = {
        "main", "a.b.C.run", "a.b.C.idle", "x.Y.z:12", "[GC Thread#0]", "[main tid=1]", "read [native]", "é.ü",
        "Foo$$Lambda$17/0x0000000800c0b000.run", "Foo$$Lambda$18/0x0000000800c0c000.run", "with space", "",
        "<script>", "\uD83D\uDE00", "do_syscall_64_[k]",
    };
    private static final String[] COUNTS = {"1", "2", "10", "0", "1.5", "0.25", "3.", "7"};

    /** Lines over a small vocabulary, so that stacks share prefixes and repeat. */
    private static byte[] profile(Random r, boolean withNoise) {
        StringBuilder text = new StringBuilder();
        if (r.nextBoolean()) {
            text.append("# title: T\n# units: samples\n");
        }
        int lines = r.nextInt(60);
        for (int i = 0; i < lines; i++) {
            int depth = 1 + r.nextInt(6);
            for (int d = 0; d < depth; d++) {
                text.append(d == 0 ? "" : ";").append(NAMES[r.nextInt(d == 0 ? 3 : NAMES.length)]);
            }
            text.append(r.nextInt(8) == 0 ? "\t" : " ").append(COUNTS[r.nextInt(r.nextBoolean() ? 1 : COUNTS.length)]);
            text.append(switch (r.nextInt(10)) {
                case 0 -> "\r\n";
                case 1 -> "\r";
                case 2 -> "  \n\n";
                default -> "\n";
            });
            if (withNoise && r.nextInt(15) == 0) {
                text.append(r.nextBoolean() ? "no count here\n" : "# comment\n");
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (withNoise && bytes.length > 0 && r.nextBoolean()) {
            bytes[r.nextInt(bytes.length)] = (byte) (0x80 + r.nextInt(0x80));
        }
        return bytes;
    }

    private static List<FlameGraphOptions> shapes() {
        return List.of(
                FlameGraphOptions.defaults(),
                FlameGraphOptions.builder().reverse(true).build(),
                FlameGraphOptions.builder().flamechart(true).build(),
                FlameGraphOptions.builder().flamechart(true).reverse(true).build(),
                FlameGraphOptions.builder().include(Pattern.compile("C\\.")).build(),
                FlameGraphOptions.builder().exclude(Pattern.compile("idle|GC")).build(),
                FlameGraphOptions.builder().include(Pattern.compile("^main$")).exclude(Pattern.compile("Lambda")).build());
    }

    /** The tree as text: every frame's name, total and self, in display order, indented by depth. */
    private static String describe(FrameTree tree) {
        StringBuilder out = new StringBuilder();
        out.append("depth ").append(tree.maxDepth()).append(" scale ").append(tree.countScale()).append('\n');
        describe(tree.root(), 0, out);
        return out.toString();
    }

    private static void describe(Frame frame, int depth, StringBuilder out) {
        out.append(" ".repeat(depth)).append(frame.name()).append(' ').append(frame.total()).append('/')
                .append(frame.self()).append('\n');
        for (Frame child : frame.children()) {
            describe(child, depth + 1, out);
        }
    }

    /** What parse + FrameTree.of draws, or the error it gives. */
    private static String viaProfile(CollapsedParser parser, byte[] input, FlameGraphOptions shape) {
        try {
            Profile profile = parser.parse(new ByteArrayInputStream(input), "in");
            return "stacks " + !profile.isEmpty() + " meta " + profile.metadata() + "\n" + describe(FrameTree.of(profile, shape));
        } catch (IOException e) {
            return "error " + e.getMessage();
        }
    }

    private static String viaTree(CollapsedParser parser, byte[] input, FlameGraphOptions shape) {
        try {
            TreeProfile profile = parser.parseTree(new ByteArrayInputStream(input), "in", shape);
            return "stacks " + !profile.isEmpty() + " meta " + profile.metadata() + "\n" + describe(profile.tree());
        } catch (IOException e) {
            return "error " + e.getMessage();
        }
    }

    @Test
    void parseTreeDrawsWhatParseThenFrameTreeOfDraws() {
        Random r = new Random(SEED);
        for (int i = 0; i < 100; i++) {
            byte[] input = profile(r, false);
            for (FlameGraphOptions shape : shapes()) {
                CollapsedParser parser = shape.flamechart() ? CollapsedParser.keepingEveryLine() : new CollapsedParser();
                if (r.nextInt(4) == 0) {
                    parser = parser.keepingRawNames();
                }
                assertEquals(viaProfile(parser, input, shape), viaTree(parser, input, shape), "case " + i + " " + shape);
            }
        }
    }

    @Test
    void badLinesAndBadBytesGiveTheSameErrorsAndSkipsInBothPaths() {
        Random r = new Random(SEED + 1);
        for (int i = 0; i < 100; i++) {
            byte[] input = profile(r, true);
            List<String> skippedByParse = new ArrayList<>();
            List<String> skippedByTree = new ArrayList<>();
            FlameGraphOptions shape = shapes().get(r.nextInt(2));
            assertEquals(viaProfile(new CollapsedParser(), input, shape), viaTree(new CollapsedParser(), input, shape),
                    "case " + i);
            assertEquals(
                    viaProfile(new CollapsedParser().skippingBadLines(bad -> skippedByParse.add(bad.getMessage())), input, shape),
                    viaTree(new CollapsedParser().skippingBadLines(bad -> skippedByTree.add(bad.getMessage())), input, shape),
                    "case " + i + " skipping");
            assertEquals(skippedByParse, skippedByTree, "case " + i);
        }
    }

    @Test
    void totalsBeyondSixtyFourBitsAreRejectedLineByLine() {
        byte[] input = "a;b 9223372036854775807\na;c 1\na;b 0.5\n".getBytes(StandardCharsets.UTF_8);
        List<String> skipped = new ArrayList<>();
        String tree = viaTree(new CollapsedParser().skippingBadLines(bad -> skipped.add(bad.getMessage())), input,
                FlameGraphOptions.defaults());
        assertEquals(List.of("in:2: sample count overflows a 64-bit total", "in:3: sample count overflows a 64-bit total"),
                skipped);
        assertTrue(tree.contains("b 9223372036854775807/9223372036854775807"), tree);
        assertEquals("error in:2: sample count overflows a 64-bit total",
                viaTree(new CollapsedParser(), input, FlameGraphOptions.defaults()));
    }

    /** Frames as a text decoder reading the whole stream sees them, for any bytes. */
    private static List<String> referenceFrames(byte[] input) throws IOException {
        List<String> frames = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(input), StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            String trimmed = withoutTrailingBlanks(line);
            int blank = Math.max(trimmed.lastIndexOf(' '), trimmed.lastIndexOf('\t'));
            if (line.isBlank() || line.startsWith("#") || blank < 0) {
                continue;
            }
            String stack = withoutTrailingBlanks(trimmed.substring(0, blank));
            if (!stack.isEmpty()) {
                frames.addAll(List.of(stack.split(";", -1)));
            }
        }
        return frames;
    }

    // Not a regex: '$' would also match before a trailing U+2029.
    private static String withoutTrailingBlanks(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == ' ' || text.charAt(end - 1) == '\t')) {
            end--;
        }
        return text.substring(0, end);
    }

    @Test
    void malformedUtf8DecodesAsAStreamDecoderWouldDecodeIt() throws IOException {
        Random r = new Random(SEED + 2);
        byte[] pieces = {';', ' ', '\n', '\r', 'a', (byte) 0xC3, (byte) 0xA9, (byte) 0xE2, (byte) 0x82, (byte) 0xAC,
            (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80, (byte) 0xFF, (byte) 0xED, (byte) 0xA0};
        for (int i = 0; i < 2000; i++) {
            byte[] input = new byte[r.nextInt(40)];
            for (int b = 0; b < input.length; b++) {
                input[b] = pieces[r.nextInt(pieces.length)];
            }
            // every line gets a count, so that every line is a stack
            String text = new String(input, StandardCharsets.ISO_8859_1).replace("\r", " 1\r").replace("\n", " 1\n") + " 1";
            byte[] counted = text.getBytes(StandardCharsets.ISO_8859_1);
            List<String> frames = new ArrayList<>();
            Profile profile = CollapsedParser.keepingEveryLine().keepingRawNames().skippingBadLines(bad -> { })
                    .parse(new ByteArrayInputStream(counted), "in");
            profile.stacks().forEach(stack -> frames.addAll(stack.frames()));
            assertEquals(referenceFrames(counted), frames, "case " + i);
        }
    }
}
