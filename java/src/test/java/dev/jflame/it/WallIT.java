package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.BlockedWaitingWorkload;
import dev.jflame.workload.ComputeSleepWorkload;
import dev.jflame.workload.WallYieldWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** event=wall, loaded into real JVMs: threads are sampled by wall-clock time, whatever their state. */
class WallIT {
    @TempDir
    Path dir;

    @Test
    void computeThenSleepIsAllComputeOnCpuAndHalfSleepOnWall() throws Exception {
        AgentRun cpu = AgentRun.run(sub("cpu"), "event=cpu,interval=2ms", ComputeSleepWorkload.class, "3000");
        assertEquals(0, cpu.exitCode(), cpu.stderr());
        Map<String, Double> cpuShares = Shares.percentAmong(cpu.profile(), "compute", "pause");
        assertTrue(cpuShares.get("compute") > 95, () -> "cpu shares " + cpuShares);

        // 2 ms gives about 1,500 samples of the worker: a standard error near 1.3 points.
        AgentRun wall = AgentRun.run(sub("wall"), "event=wall,interval=2ms", ComputeSleepWorkload.class, "3000");
        assertEquals(0, wall.exitCode(), wall.stderr());
        Profile profile = wall.profile();
        Map<String, Long> samples = Shares.samplesIn(profile, "compute", "pause");
        Map<String, Double> shares = Shares.percentAmong(profile, "compute", "pause");
        assertTrue(samples.get("compute") + samples.get("pause") > 500, () -> "too few samples " + samples);
        assertEquals(50, shares.get("pause"), 5, () -> "wall shares " + shares);
        assertEquals("wall", profile.meta("event").orElse(""));
        assertTrue(everyStackThrough(profile, "pause", "java.lang.Thread.sleep", "[sleeping]"),
                () -> "sleep stacks end in [sleeping]:\n" + stacksThrough(profile, "pause"));
        // Spin's class initialiser (ManagementFactory, a dlopen of libmanagement) is wall time
        // of compute too, one-off and often asleep: a thread that takes the signal late has its
        // missed ticks added to that one sample (not counted once), so it is left out here.
        assertTrue(everyStackThrough(profile, "compute", "Spin.until", "[running]", "Spin.<clinit>"),
                () -> "compute stacks end in [running]:\n" + stacksThrough(profile, "compute"));
    }

    @Test
    void threadsBlockedOrWaitingForeverAreOnlyOnWallWithTheirState() throws Exception {
        AgentRun cpu = AgentRun.run(sub("cpu"), "event=cpu,interval=1ms", BlockedWaitingWorkload.class, "2000");
        assertEquals(0, cpu.exitCode(), cpu.stderr());
        Map<String, Long> onCpu = Shares.samplesIn(cpu.profile(), "blockedForever", "waitingForever");
        // A thread that finds a monitor taken spins briefly before it parks (HotSpot's
        // adaptive spinning): a sample or two of that is CPU time, not a flaw.
        assertTrue(onCpu.get("blockedForever") + onCpu.get("waitingForever") <= 5, () -> "on cpu: " + onCpu);

        AgentRun wall = AgentRun.run(sub("wall"), "event=wall,interval=10ms", BlockedWaitingWorkload.class,
                "2000");
        assertEquals(0, wall.exitCode(), wall.stderr());
        Profile profile = wall.profile();
        Map<String, Long> onWall = Shares.samplesIn(profile, "blockedForever", "waitingForever", "holdLock");
        // About 200 ticks in 2 s; the threads start a little after the profile.
        onWall.forEach((m, n) -> assertTrue(n > 100, () -> "on wall: " + onWall + "\n" + stacksThrough(profile, m)));
        assertTrue(mostlyEndIn(profile, "blockedForever", "[blocked]"), () -> stacksThrough(profile, "blockedForever"));
        assertTrue(mostlyEndIn(profile, "waitingForever", "[waiting]"), () -> stacksThrough(profile, "waitingForever"));
        assertTrue(mostlyEndIn(profile, "holdLock", "[sleeping]"), () -> stacksThrough(profile, "holdLock"));
    }

    @Test
    void stateFiltersAndNostateChangeOnlyTheLeaf() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=wall,interval=10ms,state=blocked+waiting,nostate",
                BlockedWaitingWorkload.class, "1000");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        Map<String, Long> kept = Shares.samplesIn(profile, "blockedForever", "waitingForever", "holdLock");
        assertTrue(kept.get("blockedForever") > 30 && kept.get("waitingForever") > 30, () -> "kept " + kept);
        assertEquals(0, kept.get("holdLock"), () -> "the sleeping main thread is filtered out: " + kept);
        for (Stack s : profile.stacks()) {
            String leaf = s.frames().get(s.frames().size() - 1);
            assertTrue(!leaf.matches("\\[(running|sleeping|waiting|blocked)\\]"), () -> "no state frame: " + s);
        }
    }

    /**
     * Fifty threads at 1 ms (a third spinning, a third napping, a third parked for good): the
     * weights through their {@code life} add up to their summed lifetime over the interval, and
     * the idle threads keep their own stacks and states. Before every thread's wall time was
     * accounted, the engine recorded about 5 % of it here (fifty threads, sixteen signalled per
     * tick; measured by hand with this workload).
     */
    @Test
    void everyThreadsWallTimeIsCountedAndIdleThreadsKeepTheirStacks() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=wall,interval=1ms", WallYieldWorkload.class, "50", "2000");
        assertEquals(0, run.exitCode(), run.stderr());
        Matcher lived = Pattern.compile("lived_ns (\\d+)").matcher(run.stdout());
        assertTrue(lived.find(), run.stdout());
        Profile profile = run.profile();
        long recorded = 0;
        for (Stack s : profile.stacks()) {
            if (through(s, "life")) {
                recorded += s.count();
            }
        }
        double yield = recorded * 1e6 / Long.parseLong(lived.group(1));
        // About 0.98 on a quiet machine; what is left out is each thread's time since its last
        // visit when it ends, which grows when the sampler waits long for a CPU.
        assertTrue(yield > 0.6, () -> "yield " + yield);
        assertTrue(mostlyEndIn(profile, "parked", "[waiting]"), () -> stacksThrough(profile, "parked"));
        assertTrue(everyStackThrough(profile, "parked", "Unsafe.park", "[waiting]"), () -> stacksThrough(profile, "parked"));
        // A napping thread woken may wait for a CPU (state R) on a loaded machine.
        long napping = 0, asleep = 0, inSleep = 0;
        for (Stack s : profile.stacks()) {
            if (through(s, "napping")) {
                napping += s.count();
                boolean sleep = s.frames().stream().anyMatch(f -> f.contains("Thread.sleep"));
                inSleep += sleep ? s.count() : 0;
                asleep += sleep && s.frames().get(s.frames().size() - 1).equals("[sleeping]") ? s.count() : 0;
            }
        }
        long n = napping, a = asleep, i = inSleep;
        assertTrue(n > 0 && i >= 0.9 * n && a >= 0.5 * n, () -> "napping " + n + ", in sleep " + i + ", [sleeping] " + a
                + "\n" + stacksThrough(profile, "napping"));
        // Spinning, but stopped at safepoints now and then ([blocked]).
        long busy = 0, running = 0;
        for (Stack s : profile.stacks()) {
            if (through(s, "busy")) {
                busy += s.count();
                running += s.frames().get(s.frames().size() - 1).equals("[running]") ? s.count() : 0;
            }
        }
        long b = busy, r = running;
        assertTrue(b > 0 && r >= 0.7 * b, () -> "busy " + b + ", [running] " + r + "\n" + stacksThrough(profile, "busy"));
    }

    @Test
    void cliWallDefaultsToFiftyMilliseconds() throws Exception {
        Path out = dir.resolve("w.collapsed");
        Jflame run = Jflame.run(dir, "run", "-e", "wall", "-o", out.toString(), "-cp", AgentRun.testClasses(),
                ComputeSleepWorkload.class.getName(), "1000");
        assertEquals(0, run.exitCode(), run.stderr());
        String text = Files.readString(out);
        assertTrue(text.contains("# event: wall") && text.contains("# interval_ns: 50000000"), text);
    }

    private Path sub(String name) throws java.io.IOException {
        return Files.createDirectories(dir.resolve(name));
    }

    private static boolean through(Stack s, String method) {
        return s.frames().stream().anyMatch(f -> f.endsWith("." + method));
    }

    /** All but a few stacks through {@code method} also pass {@code inner} and end in {@code state}. */
    private static boolean everyStackThrough(Profile p, String method, String inner, String state) {
        return everyStackThrough(p, method, inner, state, null);
    }

    private static boolean everyStackThrough(Profile p, String method, String inner, String state, String except) {
        long all = 0, good = 0;
        for (Stack s : p.stacks()) {
            if (!through(s, method) || (except != null && s.frames().stream().anyMatch(f -> f.contains(except)))) {
                continue;
            }
            all += s.count();
            boolean hasInner = s.frames().stream().anyMatch(f -> f.contains(inner));
            if (hasInner && s.frames().get(s.frames().size() - 1).equals(state)) {
                good += s.count();
            }
        }
        return all > 0 && good >= 0.9 * all;
    }

    private static boolean mostlyEndIn(Profile p, String method, String state) {
        long all = 0, good = 0;
        for (Stack s : p.stacks()) {
            if (through(s, method)) {
                all += s.count();
                if (s.frames().get(s.frames().size() - 1).equals(state)) {
                    good += s.count();
                }
            }
        }
        return all > 0 && good >= 0.9 * all;
    }

    private static String stacksThrough(Profile p, String method) {
        StringBuilder out = new StringBuilder();
        for (Stack s : p.stacks()) {
            if (through(s, method)) {
                out.append(String.join(";", s.frames())).append(' ').append(s.count()).append('\n');
            }
        }
        return out.toString();
    }
}
