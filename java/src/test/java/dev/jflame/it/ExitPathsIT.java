package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.ExitPathsWorkload;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * However the JVM ends while sampling (System.exit from a worker, Runtime.halt, an uncaught
 * exception, SIGTERM) the profile is written, and written whole: the header, every stack,
 * the sample count in the header matching the stacks, nothing half-written left beside it.
 */
class ExitPathsIT {
    private static final String OPTIONS = "event=cpu,interval=1ms";

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"worker-exit, 3", "halt, 4", "throw, 1"})
    void profileIsWrittenWholeHoweverTheJvmEnds(String how, int exitCode) throws Exception {
        AgentRun run = AgentRun.run(dir, OPTIONS, ExitPathsWorkload.class, how, "600");
        assertEquals(exitCode, run.exitCode(), run.stderr());
        assertCompleteProfile(how, AgentRun.profilePath(dir), run.stderr());
    }

    @Test
    void sigtermWhileSamplingStillWritesTheWholeProfile() throws Exception {
        List<String> cmd = AgentRun.command(dir, OPTIONS, ExitPathsWorkload.class, "wait-for-signal", "600");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(err.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("busy", out.readLine(), "the workload got going");
            p.destroy();  // SIGTERM
            assertTrue(p.waitFor(AgentRun.TIMEOUT_SECONDS, TimeUnit.SECONDS), "the JVM ends on SIGTERM");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(143, p.exitValue(), "128 + SIGTERM");
        assertCompleteProfile("sigterm", AgentRun.profilePath(dir), Files.readString(err));
    }

    @Test
    void sigkillLosesOnlyWhatCameAfterTheLastCheckpoint() throws Exception {
        AgentRun run = AgentRun.run(dir, OPTIONS + ",checkpoint=1s", ExitPathsWorkload.class, "kill-self", "3500");
        assertEquals(137, run.exitCode(), "128 + SIGKILL: " + run.stderr());
        Path file = AgentRun.profilePath(dir);
        assertWholeProfile("sigkill", file, run.stderr());
        String checkpoint = new dev.jflame.flamegraph.CollapsedParser().parse(file).meta("checkpoint").orElseThrow();
        Matcher m = Pattern.compile("every 1 s, this file is checkpoint (\\d+)").matcher(checkpoint);
        assertTrue(m.matches(), checkpoint);
        assertTrue(Integer.parseInt(m.group(1)) >= 2, "3.5 s of sampling, a checkpoint a second: " + checkpoint);
    }

    @Test
    void jflameRunDrawsTheLastCheckpointOfAKilledApp() throws Exception {
        Jflame run = Jflame.run(dir, "run", "--checkpoint", "1s", "-i", "1ms", "-o", "killed.svg",
                "-cp", AgentRun.testClasses(), ExitPathsWorkload.class.getName(), "kill-self", "3500");
        assertEquals(137, run.exitCode(), "the app's exit code: " + run.stderr());
        assertTrue(run.stderr().contains("the JVM ended without writing its cpu profile; drawing its last checkpoint"),
                run.stderr());
        String svg = Files.readString(dir.resolve("killed.svg"), StandardCharsets.UTF_8);
        Svg.parse(svg.getBytes(StandardCharsets.UTF_8));
        assertTrue(svg.contains("burnUntilExit"), "the busy work is drawn");
    }

    @Test
    void aCheckpointedRunThatEndsNormallyWritesTheFinalProfile() throws Exception {
        AgentRun run = AgentRun.run(dir, OPTIONS + ",checkpoint=1s", ExitPathsWorkload.class, "halt", "2500");
        assertEquals(4, run.exitCode(), run.stderr());
        assertCompleteProfile("halt after checkpoints", AgentRun.profilePath(dir), run.stderr());
        String checkpoint = new dev.jflame.flamegraph.CollapsedParser().parse(AgentRun.profilePath(dir))
                .meta("checkpoint").orElseThrow();
        assertTrue(checkpoint.matches("every 1 s, \\d+ checkpoints written before this write"), checkpoint);
    }

    private void assertCompleteProfile(String how, Path file, String stderr) throws Exception {
        assertWholeProfile(how, file, stderr);
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().contains(".tmp")), how + ": no temp file left");
        }
    }

    /** A SIGKILL may land in the middle of a checkpoint's write: its temp file stays, the profile is whole. */
    private void assertWholeProfile(String how, Path file, String stderr) throws Exception {
        assertTrue(Files.exists(file), how + ": no profile written; stderr:\n" + stderr);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("# jflame: 1\n"), how + ": header first");
        assertTrue(text.endsWith("\n"), how + ": ends with a whole line");
        // The parser rejects any malformed line, so a cut-off file fails here.
        Profile profile = new dev.jflame.flamegraph.CollapsedParser().parse(file);
        long total = profile.stacks().stream().mapToLong(Stack::count).sum();
        assertEquals(Long.parseLong(profile.meta("samples").orElseThrow()), total,
                how + ": the header's sample count matches the stacks written");
        assertTrue(total > 50, how + ": samples: " + total);
        assertTrue(profile.stacks().stream().anyMatch(s -> s.frames().stream().anyMatch(f -> f.endsWith(".burnUntilExit")
                || f.endsWith("Spin.until"))), how + ": the busy work is in it");
    }
}
