package dev.jflame.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileOutputTest {
    @TempDir
    Path dir;

    private static OutputFormat formatOf(String name, OutputFormat explicit) {
        return ProfileOutput.of(name == null ? null : Path.of(name), explicit, new GraphOptions()).format();
    }

    @Test
    void theOutputNamePicksTheFormat() {
        Map<String, OutputFormat> byName = Map.ofEntries(Map.entry("a.svg", OutputFormat.SVG),
                Map.entry("a.SVG", OutputFormat.SVG), Map.entry("a.html", OutputFormat.HTML),
                Map.entry("a.htm", OutputFormat.HTML), Map.entry("a.collapsed", OutputFormat.COLLAPSED),
                Map.entry("a.txt", OutputFormat.COLLAPSED), Map.entry("a.pb.gz", OutputFormat.PPROF),
                Map.entry("a.pb", OutputFormat.PPROF), Map.entry("a.pprof", OutputFormat.PPROF),
                Map.entry("a.pprof.gz", OutputFormat.PPROF), Map.entry("a.otlp", OutputFormat.OTLP),
                Map.entry("a.otlp.pb", OutputFormat.OTLP), Map.entry("graph", OutputFormat.SVG));
        byName.forEach((name, format) -> assertEquals(format, formatOf(name, null), name));
        assertEquals(OutputFormat.SVG, formatOf(null, null), "stdout without --format: svg");
    }

    @Test
    void formatWinsOverTheName() {
        assertEquals(OutputFormat.PPROF, formatOf("profile.svg", OutputFormat.PPROF));
        assertEquals(OutputFormat.COLLAPSED, formatOf("profile.pb.gz", OutputFormat.COLLAPSED));
        assertEquals(OutputFormat.PPROF, formatOf(null, OutputFormat.PPROF));
    }

    @Test
    void otlpFromCollapsedStacksIsRefusedBeforeAnyWork() {
        ProfileOutput otlp = ProfileOutput.of(dir.resolve("p.otlp"), null, new GraphOptions());
        UserError error = assertThrows(UserError.class, otlp::checkWritable);
        assertTrue(error.getMessage().contains("needs a JFR recording"), error.getMessage());
        otlp.checkDestination();
    }
}
