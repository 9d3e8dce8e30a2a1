package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollapsedWriterTest {

    @Test
    void writesMetadataFirstThenOneLinePerStack() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("jflame", "1");
        metadata.put("event", "cpu");
        Profile profile = new Profile(metadata, List.of(
                new Stack(List.of("main", "a b"), 3), new Stack(List.of("main"), 1)));

        assertEquals("# jflame: 1\n# event: cpu\nmain;a b 3\nmain 1\n", new CollapsedWriter().write(profile));
    }

    @Test
    void writtenProfileParsesBackToTheSameProfile() throws IOException {
        Profile original = new Profile(Map.of("units", "samples"),
                List.of(new Stack(List.of("x", "y"), 125), new Stack(List.of("z"), 5)), 1);
        String text = new CollapsedWriter().write(original);

        Profile reparsed = new CollapsedParser().parse(
                new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "roundtrip");

        assertEquals("x;y 12.5\nz 0.5\n", text.substring(text.indexOf('\n') + 1));
        assertEquals(original, reparsed);
    }

    @Test
    void lineBreaksInNamesCannotSplitARecord() {
        Profile profile = new Profile(Map.of("note", "two\nlines"), List.of(new Stack(List.of("bad\nname"), 1)));
        assertEquals("# note: two lines\nbad name 1\n", new CollapsedWriter().write(profile));
    }

    @Test
    void diffProfileIsWrittenAsTwoCountLinesThatParseBack() throws IOException {
        DiffProfile diff = DiffProfile.between(Profiles.collapsed("main;a 3\n"), Profiles.collapsed("main;a 5\nmain;b 1\n"));
        java.io.StringWriter out = new java.io.StringWriter();
        new CollapsedWriter().write(diff, out);

        assertEquals("main;a 3 5\nmain;b 0 1\n", out.toString());
        assertEquals(diff, Profiles.diff(out.toString()));
    }

    @Test
    void countsAreShownWithThousandsSeparators() {
        assertEquals("1,234,567", CountText.grouped(1_234_567, 0));
        assertEquals("-1,000", CountText.grouped(-1000, 0));
        assertEquals("1,234.5", CountText.grouped(12345, 1));
        assertEquals("999", CountText.grouped(999, 0));
    }
}
