package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The packaged jflame jar, driven as users drive it. */
class CommandLineIT {
    @TempDir
    Path dir;

    @Test
    void demoWritesAnSvgThatParsesAndNamesTheHotMethods() throws Exception {
        Jflame run = Jflame.run(dir, "demo", "--seconds", "2");
        assertEquals(0, run.exitCode(), run.stderr());
        Document svg = Svg.parse(run.stdout());
        String text = svg.getDocumentElement().getTextContent();
        assertTrue(text.contains("dev.jflame.demo.Demo.expensiveFunction"), "expensiveFunction in the graph");
        assertTrue(text.contains("getNumber"), "getNumber in the graph");
        assertTrue(run.stderr().contains("demo: "), "the demo's own output went to stderr: " + run.stderr());
        assertFalse(run.stdoutText().contains("demo: "), "stdout holds only the SVG");
    }

    @Test
    void runWithoutTheWordRunProfilesAJarAndPassesItsArguments() throws Exception {
        Path jar = AgentRun.workloadJar(dir.resolve("app.jar"), "dev.jflame.workload.TwoThreadsWorkload");
        Path out = dir.resolve("out.svg");
        Jflame run = Jflame.run(dir, "-o", out.toString(), "-i", "5ms", jar.toString(), "600");
        assertEquals(0, run.exitCode(), run.stderr());
        Document svg = Svg.parse(Files.readAllBytes(out));
        assertTrue(svg.getDocumentElement().getTextContent().contains("burnAlpha"));
        assertTrue(run.stderr().contains("cpu_ns alpha="), "app output on stderr");
        assertEquals(0, run.stdout().length, "nothing on stdout when -o is given");
    }

    @Test
    void runWithClasspathAndCollapsedOutput() throws Exception {
        Path out = dir.resolve("profile.collapsed");
        Jflame run = Jflame.run(dir, "run", "--threads", "-o", out.toString(), "-cp", AgentRun.testClasses(),
                "dev.jflame.workload.TwoThreadsWorkload", "500");
        assertEquals(0, run.exitCode(), run.stderr());
        String collapsed = Files.readString(out);
        assertTrue(collapsed.startsWith("# "), "metadata header");
        assertTrue(collapsed.lines().anyMatch(l -> l.startsWith("[alpha tid=") && l.contains("burnAlpha")), collapsed);
        // The threads' Runnable lambdas, as the JVM names them (JVMTI: `$$Lambda$14.0x...` on
        // JDK 17, `$$Lambda.0x...` on 21+), lose their run-specific counter and address.
        assertTrue(collapsed.contains("TwoThreadsWorkload$$Lambda.run;"), collapsed);
        assertFalse(collapsed.contains("$$Lambda$") || collapsed.contains(".0x"), collapsed);
    }

    @Test
    void appExitCodeIsPassedOnAndTheGraphIsStillWritten() throws Exception {
        Path jar = AgentRun.workloadJar(dir.resolve("app.jar"), "dev.jflame.workload.ExitWorkload");
        Path out = dir.resolve("out.svg");
        Jflame run = Jflame.run(dir, "-o", out.toString(), jar.toString(), "300", "7");
        assertEquals(7, run.exitCode(), run.stderr());
        Svg.parse(Files.readAllBytes(out));
    }

    @Test
    void unknownOptionIsAUsageErrorWithNoStackTrace() throws Exception {
        Jflame run = Jflame.run(dir, "svg", "--bogus", "x.collapsed");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("--bogus"), run.stderr());
        assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
    }

    @Test
    void badIntervalIsAUsageError() throws Exception {
        Jflame run = Jflame.run(dir, "demo", "-i", "10");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("invalid interval '10'"), run.stderr());
    }

    @Test
    void malformedCollapsedLineIsNamedByNumber() throws Exception {
        Path in = dir.resolve("bad.collapsed");
        Files.writeString(in, "a;b 3\na;c 4\nthis line has no count\n");
        Path out = dir.resolve("out.svg");
        Jflame run = Jflame.run(dir, "svg", in.toString(), "-o", out.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains(":3"), "names line 3: " + run.stderr());
        assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
        assertFalse(Files.exists(out), "no output file");
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
    }

    @Test
    void missingInputFileIsAClearError() throws Exception {
        Jflame run = Jflame.run(dir, "svg", dir.resolve("nope.collapsed").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("nope.collapsed"), run.stderr());
        assertFalse(run.stderr().contains("\tat "), run.stderr());
    }

    @Test
    void unwritableOutputFailsBeforeTheAppRuns() throws Exception {
        Jflame run = Jflame.run(dir, "demo", "-o", dir.resolve("no/such/dir/out.svg").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("does not exist"), run.stderr());
        assertFalse(run.stderr().contains("demo: "), "the demo must not have run: " + run.stderr());
    }

    @Test
    void svgCommandReadsStdinAndGzip() throws Exception {
        Path in = dir.resolve("p.collapsed.gz");
        try (OutputStream gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(in))) {
            gz.write("main;work;hot 90\nmain;work;cold 10\n".getBytes(StandardCharsets.UTF_8));
        }
        Jflame run = Jflame.run(dir, "svg", in.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(Svg.parse(run.stdout()).getDocumentElement().getTextContent().contains("hot"));
    }

    @Test
    void helpAndVersionWork() throws Exception {
        Jflame help = Jflame.run(dir, "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdoutText().contains("run") && help.stdoutText().contains("Exit codes"), help.stdoutText());
        Jflame version = Jflame.run(dir, "--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.stdoutText().startsWith("jflame "), version.stdoutText());
        for (String cmd : new String[] {"run", "demo", "svg", "top"}) {
            Jflame sub = Jflame.run(dir, cmd, "--help");
            assertEquals(0, sub.exitCode(), cmd);
            assertTrue(sub.stdoutText().contains("Usage: jflame " + cmd), sub.stdoutText());
        }
    }

    @Test
    void topPrintsTheHotMethodFirstFromARealProfile() throws Exception {
        Path profile = dir.resolve("p.collapsed");
        Jflame run = Jflame.run(dir, "run", "-o", profile.toString(), "-cp", AgentRun.testClasses(),
                "dev.jflame.workload.TwoThreadsWorkload", "1500");
        assertEquals(0, run.exitCode(), run.stderr());
        Jflame top = Jflame.run(dir, "top", "-n", "6", profile.toString());
        assertEquals(0, top.exitCode(), top.stderr());
        java.util.List<String> lines = top.stdoutText().lines().toList();
        assertTrue(lines.get(0).contains("SELF") && lines.get(0).contains("TOTAL%"), top.stdoutText());
        // Spin.until spends most of its time in System.nanoTime, which on newer JDKs calls the
        // vDSO's clock directly: the first rows may be those C functions, the first Java row is it.
        String firstJava = lines.stream().skip(1).filter(l -> l.matches(".*%\\s+java\\s+.*")).findFirst().orElse("");
        assertTrue(firstJava.endsWith("dev.jflame.workload.Spin.until"), top.stdoutText());
        Jflame json = Jflame.run(dir, "top", "--format", "json", "--sort", "total", profile.toString());
        assertEquals(0, json.exitCode(), json.stderr());
        assertTrue(json.stdoutText().startsWith("{\"units\":\"samples\""), json.stdoutText());
    }
}
