package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Careless and hostile inputs to the packaged CLI: each gets a short error naming what is
 * wrong, a non-zero exit, no output file (complete or partial) and no stack trace.
 */
class HostileInputIT {
    @TempDir
    Path dir;

    private Jflame renderExpectingFailure(Path input, int expectedExit, String mustMention) throws Exception {
        Path out = dir.resolve("out.svg");
        Jflame run = Jflame.run(dir, "svg", input.toString(), "-o", out.toString());
        assertEquals(expectedExit, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains(mustMention), "mentions '" + mustMention + "': " + run.stderr());
        assertNoStackTrace(run);
        assertFalse(Files.exists(out), "no output file");
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
        return run;
    }

    private static void assertNoStackTrace(Jflame run) {
        assertFalse(run.stderr().contains("\tat ") || run.stderr().contains("Exception in thread"),
                "no stack trace: " + run.stderr());
        assertTrue(run.stderr().length() < 2000, "a short message, not a dump: " + run.stderr().length() + " chars");
    }

    @Test
    void directoryAsInput() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("adir"));
        renderExpectingFailure(sub, 1, "adir");
    }

    @Test
    void emptyFile() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.collapsed"));
        Jflame run = Jflame.run(dir, "svg", empty.toString(), "-o", dir.resolve("out.svg").toString());
        assertNotEquals(0, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("empty.collapsed"), run.stderr());
        assertNoStackTrace(run);
        assertFalse(Files.exists(dir.resolve("out.svg")));
    }

    @Test
    void binaryGarbage() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        Path in = Files.write(dir.resolve("garbage.bin"), garbage);
        renderExpectingFailure(in, 1, "garbage.bin:");
    }

    @Test
    void truncatedGzip() throws Exception {
        Path whole = dir.resolve("whole.gz");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(whole))) {
            for (int i = 0; i < 5000; i++) {
                gz.write(("main;work" + i + ";leaf 3\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(dir.resolve("cut.collapsed.gz"), Arrays.copyOf(bytes, bytes.length / 2));
        renderExpectingFailure(cut, 1, "cut.collapsed.gz:");
    }

    @Test
    void lineWithoutCount() throws Exception {
        Path in = Files.writeString(dir.resolve("nocount.collapsed"), "main;a 1\nmain;b\n");
        renderExpectingFailure(in, 1, "nocount.collapsed:2");
    }

    @Test
    void negativeCount() throws Exception {
        Path in = Files.writeString(dir.resolve("neg.collapsed"), "main;a 1\nmain;b -5\n");
        renderExpectingFailure(in, 1, "neg.collapsed:2");
    }

    @Test
    void hugeCount() throws Exception {
        Path in = Files.writeString(dir.resolve("huge.collapsed"), "main;a 99999999999999999999999\n");
        renderExpectingFailure(in, 1, "huge.collapsed:1");
    }

    @Test
    void countsOverflowingTheTotal() throws Exception {
        Path in = Files.writeString(dir.resolve("sum.collapsed"),
                "main;a 9223372036854775807\nmain;b 9223372036854775807\n");
        renderExpectingFailure(in, 1, "sum.collapsed:");
    }

    @Test
    void tenMegabyteLineWithoutACountIsEchoedShort() throws Exception {
        Path in = dir.resolve("long.collapsed");
        Files.writeString(in, "main;" + "x".repeat(10 * 1024 * 1024) + "\n");
        renderExpectingFailure(in, 1, "long.collapsed:1");
    }

    @Test
    void tenMegabyteFrameNameStillRenders() throws Exception {
        Path in = dir.resolve("longname.collapsed");
        Files.writeString(in, "main;" + "y".repeat(10 * 1024 * 1024) + " 5\nmain;short 5\n");
        Path out = dir.resolve("out.svg");
        Jflame run = Jflame.run(dir, "svg", in.toString(), "-o", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        Svg.parse(Files.readAllBytes(out));
    }

    @Test
    void outputUnderAFileNotADirectory() throws Exception {
        Path in = Files.writeString(dir.resolve("ok.collapsed"), "main;a 1\n");
        Path notADir = Files.writeString(dir.resolve("plainfile"), "x");
        Jflame run = Jflame.run(dir, "svg", in.toString(), "-o", notADir.resolve("out.svg").toString());
        assertEquals(1, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("plainfile"), run.stderr());
        assertNoStackTrace(run);
    }

    @Test
    void outputOntoADirectory() throws Exception {
        Path in = Files.writeString(dir.resolve("ok.collapsed"), "main;a 1\n");
        Jflame run = Jflame.run(dir, "svg", in.toString(), "-o", dir.toString());
        assertEquals(1, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("is a directory"), run.stderr());
        assertNoStackTrace(run);
    }

    @Test
    void optionsOutOfRange() throws Exception {
        for (String[] args : new String[][] {
            {"demo", "--interval", "0ms"}, {"demo", "-i", "10xs"}, {"demo", "-i", "-5ms"}, {"demo", "--depth", "0"},
            {"demo", "--seconds", "-1"}, {"demo", "-e", "bogus"}, {"top", "-n", "0", "x.collapsed"},
        }) {
            Jflame run = Jflame.run(dir, args);
            assertNotEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.stderr());
            assertNoStackTrace(run);
            assertFalse(run.stderr().contains("demo: "), "the demo must not have run: " + String.join(" ", args));
        }
    }

    @Test
    void unknownAppJarIsAClearError() throws Exception {
        Jflame run = Jflame.run(dir, dir.resolve("missing.jar").toString());
        assertEquals(1, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("missing.jar"), run.stderr());
        assertNoStackTrace(run);
    }

    @Test
    void hostileFrameNamesCannotInjectIntoTheSvg() throws Exception {
        Path in = Files.writeString(dir.resolve("evil.collapsed"),
                "main;<script>alert(1)</script> 3\nmain;\"onload=\"alert(1) 2\nmain;a&b<c>]]> 1\n");
        Jflame run = Jflame.run(dir, "svg", in.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        String svg = run.stdoutText();
        Svg.parse(run.stdout());
        assertFalse(svg.contains("<script>alert"), "script tag escaped");
        assertFalse(svg.contains("\"onload=\""), "attribute quote escaped");
        assertTrue(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "shown as text");
    }

}
