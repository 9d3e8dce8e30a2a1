package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.ManyThreadsWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2,000 threads alive at once, half busy with the same CPU time each, half parked: no
 * crash, the agent's memory bounded, the samples adding up to the CPU time, and the busy
 * threads sampled alike.
 */
class ManyThreadsIT {
    private static final String THREADS = "2000";
    private static final String BUSY_MILLIS = "4";

    @TempDir
    Path dir;

    @Test
    void twoThousandThreadsAtOneMillisecond() throws Exception {
        AgentRun run = AgentRun.run(sub("agent-1ms"), "threads,event=cpu,interval=1ms", ManyThreadsWorkload.class,
                THREADS, BUSY_MILLIS);
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        assertEquals(0, Long.parseLong(profile.meta("drops").orElseThrow()), "no drops: " + run.stderr());

        Map<String, Long> perThread = busySamplesPerThread(profile);
        long samples = perThread.values().stream().mapToLong(Long::longValue).sum();
        double expected = busyCpuNanos(run) / 1_000_000.0;
        String counts = String.format("%d samples in busy threads for %.0f ms of their CPU", samples, expected);
        System.out.println("ManyThreadsIT 1ms: " + counts);
        // Each busy thread's first period counts from its birth, and the JVM's start-up of
        // a thread is CPU outside Java code: allow for samples there and for kernel-mode
        // periods (user-space sampling) on either side.
        assertTrue(samples >= 0.75 * expected && samples <= 1.1 * expected, counts);

        // 1,000 threads of 4 ms each at 1 ms: about 4 samples a thread. A sampler that skips
        // threads (a full table, a missed ThreadStart) leaves many at 0 or piles them on few.
        long busyThreads = Long.parseLong(THREADS) / 2;
        long sampled = perThread.size();
        long max = perThread.values().stream().mapToLong(Long::longValue).max().orElse(0);
        String spread = "busy threads sampled: " + sampled + " of " + busyThreads + ", most samples in one: " + max;
        System.out.println("ManyThreadsIT 1ms: " + spread);
        assertTrue(sampled >= 0.9 * busyThreads, spread);
        assertTrue(max <= 16, spread);
    }

    @Test
    void twoThousandThreadsAtTenMillisecondsAndMemoryWithAndWithout() throws Exception {
        AgentRun run = AgentRun.run(sub("agent-10ms"), "threads,event=cpu,interval=10ms",
                ManyThreadsWorkload.class, THREADS, BUSY_MILLIS);
        assertEquals(0, run.exitCode(), run.stderr());
        long samples = busySamplesPerThread(run.profile()).values().stream().mapToLong(Long::longValue).sum();
        double expected = busyCpuNanos(run) / 10_000_000.0;
        String counts = String.format("%d samples in busy threads for %.0f expected", samples, expected);
        System.out.println("ManyThreadsIT 10ms: " + counts);
        assertTrue(samples >= 0.75 * expected && samples <= 1.1 * expected, counts);

        Path plainDir = sub("none");
        List<String> plain = List.of(AgentRun.java().toString(), "-cp", AgentRun.testClasses(),
                ManyThreadsWorkload.class.getName(), THREADS, BUSY_MILLIS);
        AgentRun without = AgentRun.exec(plainDir, plain, plainDir.resolve("none.collapsed"));
        assertEquals(0, without.exitCode(), without.stderr());
        long withKb = rssKb(run);
        long withoutKb = rssKb(without);
        String memory = "RSS with 2,000 threads: " + withKb / 1024 + " MB with the agent, " + withoutKb / 1024
                + " MB without";
        System.out.println("ManyThreadsIT: " + memory);
        // The agent's tables are reserved up front and touched as used: a thread costs it a
        // perf event and a few table entries, not memory that grows with the run.
        assertTrue(withKb - withoutKb < 96 * 1024, memory);
    }

    private Path sub(String name) throws Exception {
        return Files.createDirectories(dir.resolve(name));
    }

    private static Map<String, Long> busySamplesPerThread(Profile profile) {
        Map<String, Long> perThread = new HashMap<>();
        for (Stack s : profile.stacks()) {
            String root = s.frames().get(0);
            if (root.startsWith("[busy-")) {
                perThread.merge(root.substring(0, root.indexOf(' ')), s.count(), Long::sum);
            }
        }
        return perThread;
    }

    private static long busyCpuNanos(AgentRun run) {
        return Long.parseLong(field(run, "busy_cpu_ns"));
    }

    private static long rssKb(AgentRun run) {
        return Long.parseLong(field(run, "rss_kb"));
    }

    private static String field(AgentRun run, String key) {
        Matcher m = Pattern.compile(key + "=(\\d+)").matcher(run.stdout());
        assertTrue(m.find(), run.stdout() + run.stderr());
        return m.group(1);
    }
}
