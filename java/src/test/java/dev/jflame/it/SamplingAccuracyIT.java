package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.workload.SplitWorkload;
import dev.jflame.workload.TwoThreadsWorkload;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The agent, loaded into real JVMs, measures workloads whose split is known by construction. */
class SamplingAccuracyIT {
    @TempDir
    Path dir;

    @Test
    void timeSplitSixtyThirtyTenIsMeasuredWithinThreePoints() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=cpu,interval=1ms", SplitWorkload.class, "time", "4000");
        assertEquals(0, run.exitCode(), run.stderr());
        Map<String, Double> shares = Shares.percentAmong(run.profile(), "sixty", "thirty", "ten");
        long samples = Shares.samplesIn(run.profile(), "sixty", "thirty", "ten").values().stream()
                .mapToLong(Long::longValue).sum();
        assertTrue(samples > 2000, "too few samples to judge: " + samples + "\n" + run.stderr());
        assertEquals(60, shares.get("sixty"), 3, () -> "shares " + shares);
        assertEquals(30, shares.get("thirty"), 3, () -> "shares " + shares);
        assertEquals(10, shares.get("ten"), 3, () -> "shares " + shares);
    }

    /**
     * Both threads spin for the same wall time, but on a shared machine they need not get the
     * same CPU; the truth each share is held to is the thread's own CPU time.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cpu", "ctimer", "itimer"})
    void twoBusyThreadsGetSamplesInProportionToTheirCpuTime(String event) throws Exception {
        // ctimer and itimer fire at most once per kernel tick (4 ms here): ask no faster.
        String interval = event.equals("cpu") ? "1ms" : "4ms";
        AgentRun run = AgentRun.run(dir, "event=" + event + ",interval=" + interval, TwoThreadsWorkload.class, "3000");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        Map<String, Double> shares = Shares.percentAmong(profile, "burnAlpha", "burnBeta");
        long samples = Shares.samplesIn(profile, "burnAlpha", "burnBeta").values().stream()
                .mapToLong(Long::longValue).sum();
        assertTrue(samples > 150, event + ": too few samples: " + samples + "\n" + run.stderr());
        long[] cpu = threadCpuNanos(run);
        double alphaTruth = 100.0 * cpu[0] / (cpu[0] + cpu[1]);
        // 5 points, or three standard errors of a sample this size if that is more: a busy
        // machine gives the threads less CPU and so fewer samples to judge by.
        double tolerance = Math.max(5, 3 * 100 * Math.sqrt(0.25 / samples));
        if (event.equals("itimer")) {
            // One process-wide timer: the kernel hands its signal to whichever thread is
            // running when a tick finds it expired, which on two CPUs can favour one thread
            // for seconds (seen: 35/65 with equal CPU). Documented in README; per-thread
            // events (cpu, ctimer) are the fair ones and keep the tight bound.
            tolerance = 20;
        }
        assertEquals(alphaTruth, shares.get("burnAlpha"), tolerance,
                () -> event + " shares " + shares + " from " + samples + " samples, CPU truth " + alphaTruth);
        assertEquals(event, profile.meta("event").orElse(""), "the event actually used is recorded");
    }

    private static long[] threadCpuNanos(AgentRun run) {
        Matcher m = Pattern.compile("cpu_ns alpha=(\\d+) beta=(\\d+)").matcher(run.stdout());
        assertTrue(m.find(), run.stdout());
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    @Test
    void cpuEventAtOneMillisecondRecordsNinetyFivePercentOfExpectedSamples() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=cpu,interval=1ms", TwoThreadsWorkload.class, "3000");
        assertEquals(0, run.exitCode(), run.stderr());
        long[] cpu = threadCpuNanos(run);
        long cpuNanos = cpu[0] + cpu[1];
        double expected = cpuNanos / 1_000_000.0;
        long recorded = Shares.samplesIn(run.profile(), "burnAlpha", "burnBeta").values().stream()
                .mapToLong(Long::longValue).sum();
        assertTrue(recorded >= 0.95 * expected,
                "recorded " + recorded + " of " + expected + " expected samples (" + (100.0 * recorded / expected)
                        + "%)\n" + run.stderr());
        assertTrue(recorded <= 1.05 * expected, "more samples than CPU time allows: " + recorded + " > " + expected);
        assertHandlerCostIsCpuTime(run.profile(), cpuNanos);
        // JIT compiler threads are Java threads that AsyncGetCallTrace reports as "not in
        // Java": their samples are named after the thread, like the GC's, not as a failure.
        assertTrue(run.profile().stacks().stream().noneMatch(st -> st.frames().contains("[unknown_not_Java]")),
                "a not-in-Java sample shown as a failed walk:\n" + run.stderr());
    }

    /**
     * The agent accounts for its own cost on the sampled threads' CPU clocks: the handlers'
     * CPU time is part of the CPU time those threads used (their monotonic time counts
     * preemption on a busy machine too, and can exceed it), the total account holds its
     * parts, and the handler's percentiles are consistent.
     */
    private static void assertHandlerCostIsCpuTime(Profile profile, long threadsCpuNanos) {
        long mean = AgentRun.metaNumber(profile, "handler_ns_mean");
        long p99 = AgentRun.metaNumber(profile, "handler_ns_p99");
        long max = AgentRun.metaNumber(profile, "handler_ns_max");
        long total = AgentRun.metaNumber(profile, "handler_ns_total");
        long agentThreads = AgentRun.metaNumber(profile, "agent_threads_ns");
        long handlersCpu = AgentRun.metaNumber(profile, "handler_cpu_ns_est");
        long callbacks = AgentRun.metaNumber(profile, "jvmti_callbacks_ns");
        long account = AgentRun.metaNumber(profile, "overhead_ns_total");
        // The start's own CPU time (kallsyms, libjvm's symbols, perf events): never nothing,
        // and counted in the total.
        long start = AgentRun.metaNumber(profile, "start_cpu_ns");
        String all = "mean " + mean + " p99 " + p99 + " max " + max + " total " + total + " handlers' CPU " + handlersCpu
                + " account " + account + " start " + start + " threads' CPU " + threadsCpuNanos;
        assertTrue(mean > 0 && p99 > 0 && total > 0 && handlersCpu > 0, all);
        assertTrue(mean <= max && p99 <= max + max / 8, all);
        assertTrue(handlersCpu < threadsCpuNanos, all);
        assertTrue(agentThreads >= 0 && callbacks >= 0, "agent_threads_ns " + agentThreads + " jvmti_callbacks_ns " + callbacks);
        assertAgentThreadsAddUp(profile, agentThreads);
        assertTrue(start > 0, all);
        assertTrue(account >= handlersCpu + agentThreads + callbacks + start, all);
        assertTrue(profile.meta("debug_non_safepoints").isPresent(), "no debug_non_safepoints header");
    }

    /**
     * The header's {@code agent_threads} line ("jflame-codemap 21.3 ms, jflame-namer 9.0 ms, ...")
     * names jflame's own threads, and their times add up to {@code agent_threads_ns} (each is
     * rounded to 0.1 ms).
     */
    private static void assertAgentThreadsAddUp(Profile profile, long agentThreadsNs) {
        String line = profile.meta("agent_threads").orElse("");
        Matcher entry = Pattern.compile("(jflame-[\\w-]+) (\\d+\\.\\d) ms").matcher(line);
        double sumMs = 0;
        int entries = 0;
        Set<String> names = new HashSet<>();
        while (entry.find()) {
            sumMs += Double.parseDouble(entry.group(2));
            names.add(entry.group(1));
            ++entries;
        }
        assertTrue(entries >= 2 && line.split(", ").length == entries, "agent_threads: " + line);
        // The unwind tables of the loaded libraries are built on the code-map thread.
        assertTrue(names.contains("jflame-codemap"), "agent_threads: " + line);
        double totalMs = agentThreadsNs / 1e6;
        assertTrue(Math.abs(sumMs - totalMs) <= 0.05 * entries + 1.0,
                "agent_threads " + line + " against agent_threads_ns " + agentThreadsNs);
    }
}
