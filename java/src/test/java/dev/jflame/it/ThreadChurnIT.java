package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.ThreadChurnWorkload;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 20,000 short-lived threads, each using a tenth of an interval of CPU, started and ended
 * while sampling at 1 ms: every timer and perf event armed for them is closed again, and
 * under event=cpu they get their share of the samples, not none.
 */
class ThreadChurnIT {
    private static final int THREADS = 20_000;
    private static final String SHORT_MICROS = "100";
    /** The JVM itself may start or end a thread of its own (a compiler thread) meanwhile. */
    private static final long JVM_SLACK = 4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "ctimer"})
    void shortLivedThreadsLeakNoTimersOrFds(String event) throws Exception {
        // ctimer is checked for leaks only, and a leak of one timer per thread shows as well
        // in a quarter of the threads: the CI time goes to the cpu run.
        int threads = event.equals("cpu") ? THREADS : THREADS / 4;
        AgentRun run = AgentRun.run(dir, "threads,event=" + event + ",interval=1ms", ThreadChurnWorkload.class,
                Integer.toString(threads), SHORT_MICROS);
        assertEquals(0, run.exitCode(), run.stderr());
        long[] before = resources(run, "before");
        long[] after = resources(run, "after");
        String counts = run.stdout();
        assertTrue(after[0] <= before[0] + JVM_SLACK, () -> event + ": fds grew over the churn\n" + counts);
        assertTrue(after[1] <= before[1] + JVM_SLACK, () -> event + ": perf events grew\n" + counts);
        assertTrue(after[2] <= before[2] + JVM_SLACK, () -> event + ": POSIX timers grew\n" + counts);
        // The counts look where the engine arms: a perf event or a POSIX timer per thread.
        int armed = event.equals("cpu") ? 1 : 2;
        assertTrue(before[armed] > 0, () -> event + ": no armed " + (armed == 1 ? "perf event" : "timer")
                + " seen at all, so the check above proves nothing\n" + counts);

        Profile profile = run.profile();
        assertEquals(event, profile.meta("event").orElse(""), "the event asked for was used");
        if (event.equals("cpu")) {
            assertShortThreadsGetTheirShare(run, profile);
        }
    }

    /** ctimer is left out: it fires on the kernel's tick only, which no 100 us thread may see. */
    private static void assertShortThreadsGetTheirShare(AgentRun run, Profile profile) {
        long shortSamples = 0;
        long steadySamples = 0;
        for (Stack s : profile.stacks()) {
            String root = s.frames().get(0);
            if (root.startsWith("[churn-")) {
                shortSamples += s.count();
            } else if (root.startsWith("[steady ")) {
                steadySamples += s.count();
            }
        }
        Matcher m = Pattern.compile("cpu_ns short=(\\d+) steady=(\\d+)").matcher(run.stdout());
        assertTrue(m.find(), run.stdout());
        long shortCpu = Long.parseLong(m.group(1));
        long steadyCpu = Long.parseLong(m.group(2));
        double truth = 100.0 * shortCpu / (shortCpu + steadyCpu);
        long samples = shortSamples + steadySamples;
        double measured = 100.0 * shortSamples / samples;
        String report = String.format("short threads: %.1f%% of samples (%d of %d), %.1f%% of CPU time"
                + " (%d ms of %d ms)", measured, shortSamples, samples, truth, shortCpu / 1_000_000,
                (shortCpu + steadyCpu) / 1_000_000);
        System.out.println("ThreadChurnIT " + report);
        assertTrue(samples > 1000, "too few samples to judge: " + report + "\n" + run.stderr());
        // Thread start-up is heavy in system calls: where the kernel lets the cpu event count
        // kernel time too (root, CAP_PERFMON or perf_event_paranoid < 2; CI runs as root) the
        // short threads get their share within the 5 points (measured: 2.4 under on
        // JDK 25, 7.3 when counting user time only); counting user time only they are short
        // by their kernel time, 4 points on JDK 17 and 7 on 25.
        boolean withKernel = profile.meta("cpu_time").orElse("").equals("user+system");
        assertEquals(truth, measured, withKernel ? 5 : 8, report + ", cpu_time " + profile.meta("cpu_time"));
    }

    private static long[] resources(AgentRun run, String label) {
        Matcher m = Pattern.compile(label + " fds=(\\d+) perf=(\\d+) timers=(\\d+)").matcher(run.stdout());
        assertTrue(m.find(), run.stdout());
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }
}
