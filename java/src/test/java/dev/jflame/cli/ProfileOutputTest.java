package dev.jflame.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.cli.ProfileOutput.Format;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileOutputTest {
    @TempDir
    Path dir;

    private static Format formatOf(String name, Format explicit) {
        return ProfileOutput.of(name == null ? null : Path.of(name), explicit, new GraphOptions()).format();
    }

    @Test
    void theOutputNamePicksTheFormat() {
        Map<String, Format> byName = Map.ofEntries(Map.entry("a.svg", Format.SVG), Map.entry("a.SVG", Format.SVG),
                Map.entry("a.html", Format.HTML), Map.entry("a.htm", Format.HTML),
                Map.entry("a.collapsed", Format.COLLAPSED), Map.entry("a.txt", Format.COLLAPSED),
                Map.entry("a.pb.gz", Format.PPROF), Map.entry("a.pb", Format.PPROF), Map.entry("a.pprof", Format.PPROF),
                Map.entry("a.pprof.gz", Format.PPROF), Map.entry("a.otlp", Format.OTLP),
                Map.entry("a.otlp.pb", Format.OTLP), Map.entry("graph", Format.SVG));
        byName.forEach((name, format) -> assertEquals(format, formatOf(name, null), name));
        assertEquals(Format.SVG, formatOf(null, null), "stdout without --format: svg");
    }

    @Test
    void formatWinsOverTheName() {
        assertEquals(Format.PPROF, formatOf("profile.svg", Format.PPROF));
        assertEquals(Format.COLLAPSED, formatOf("profile.pb.gz", Format.COLLAPSED));
        assertEquals(Format.PPROF, formatOf(null, Format.PPROF));
    }

    @Test
    void otlpFromCollapsedStacksIsRefusedBeforeAnyWork() {
        ProfileOutput otlp = ProfileOutput.of(dir.resolve("p.otlp"), null, new GraphOptions());
        UserError error = assertThrows(UserError.class, otlp::checkWritable);
        assertTrue(error.getMessage().contains("needs a JFR recording"), error.getMessage());
        otlp.checkDestination();
    }
}
