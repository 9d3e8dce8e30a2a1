package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.DeepRecursionWorkload;
import dev.jflame.workload.TwoThreadsWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each agent option changes the profile as documented; a bad one stops the JVM from starting. */
class AgentOptionsIT {
    @TempDir
    Path dir;

    private static List<Stack> stacksThrough(Profile profile, String method) {
        return profile.stacks().stream().filter(s -> s.frames().stream().anyMatch(f -> f.contains("." + method)))
                .toList();
    }

    @Test
    void threadsOptionAddsARootFramePerThread() throws Exception {
        AgentRun run = AgentRun.run(dir, "threads,interval=5ms", TwoThreadsWorkload.class, "800");
        assertEquals(0, run.exitCode(), run.stderr());
        List<Stack> alpha = stacksThrough(run.profile(), "burnAlpha");
        assertFalse(alpha.isEmpty(), run.stderr());
        for (Stack s : alpha) {
            assertTrue(s.frames().get(0).matches("\\[alpha tid=\\d+\\]"), "root frame: " + s.frames().get(0));
        }
        for (Stack s : stacksThrough(run.profile(), "burnBeta")) {
            assertTrue(s.frames().get(0).matches("\\[beta tid=\\d+\\]"), "root frame: " + s.frames().get(0));
        }
    }

    @Test
    void withoutThreadsOptionStacksStartAtTheThreadsFirstMethod() throws Exception {
        AgentRun run = AgentRun.run(dir, "interval=5ms", TwoThreadsWorkload.class, "500");
        for (Stack s : stacksThrough(run.profile(), "burnAlpha")) {
            assertFalse(s.frames().get(0).startsWith("["), "root frame: " + s.frames().get(0));
        }
    }

    @Test
    void linesOptionEndsJavaFramesInALineNumber() throws Exception {
        AgentRun run = AgentRun.run(dir, "lines,interval=5ms", TwoThreadsWorkload.class, "800");
        assertEquals(0, run.exitCode(), run.stderr());
        List<Stack> alpha = stacksThrough(run.profile(), "burnAlpha");
        assertFalse(alpha.isEmpty(), run.stderr());
        for (Stack s : alpha) {
            String frame = s.frames().stream().filter(f -> f.contains(".burnAlpha")).findFirst().orElseThrow();
            assertTrue(frame.matches(".*TwoThreadsWorkload\\.burnAlpha:\\d+"), frame);
        }
    }

    @Test
    void depthOptionKeepsTheLeafEndAndMarksTruncation() throws Exception {
        AgentRun run = AgentRun.run(dir, "depth=5,interval=5ms", DeepRecursionWorkload.class, "300", "800");
        assertEquals(0, run.exitCode(), run.stderr());
        List<Stack> deep = stacksThrough(run.profile(), "leaf");
        assertFalse(deep.isEmpty(), run.stderr());
        for (Stack s : deep) {
            assertEquals("[truncated]", s.frames().get(0), s.frames().toString());
            assertEquals(6, s.frames().size(), s.frames().toString());
        }
    }

    @Test
    void deepStacksBeyondDefaultDepthAreTruncatedNotCrashed() throws Exception {
        AgentRun run = AgentRun.run(dir, "interval=1ms", DeepRecursionWorkload.class, "5000", "800");
        assertEquals(0, run.exitCode(), run.stderr());
        List<Stack> deep = stacksThrough(run.profile(), "leaf");
        assertFalse(deep.isEmpty(), run.stderr());
        for (Stack s : deep) {
            assertEquals("[truncated]", s.frames().get(0));
            assertEquals(2049, s.frames().size());
        }
    }

    @Test
    void badOptionMakesTheJvmRefuseToStartNamingIt() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=bogus", TwoThreadsWorkload.class, "100");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.stderr().contains("event=bogus") || run.stderr().contains("'bogus'"), run.stderr());
        assertFalse(run.stdout().contains("cpu_ns"), "the app must not have run");
        assertFalse(Files.exists(run.profileFile()));
    }

    @Test
    void unknownOptionIsRefusedToo() throws Exception {
        AgentRun run = AgentRun.run(dir, "colour=blue", TwoThreadsWorkload.class, "100");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.stderr().contains("colour"), run.stderr());
    }

    @Test
    void profileHeaderCarriesEventUnitsAndCounts() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=itimer,interval=5ms", TwoThreadsWorkload.class, "500");
        Profile profile = run.profile();
        assertEquals("itimer", profile.meta("event").orElseThrow());
        assertEquals("samples", profile.meta("units").orElseThrow());
        assertEquals("5000000", profile.meta("interval_ns").orElseThrow());
        long samples = Long.parseLong(profile.meta("samples").orElseThrow());
        long total = profile.stacks().stream().mapToLong(Stack::count).sum();
        assertEquals(samples, total, "every sample, failed walks included, is in the stacks");
        assertTrue(run.stderr().contains("samples"), "summary line on stderr: " + run.stderr());
    }
}
