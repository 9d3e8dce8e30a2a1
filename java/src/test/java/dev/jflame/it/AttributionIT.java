package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.IntrinsicWorkload;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which Java method a sample is charged to, on workloads where the answer is known by
 * construction (see also scripts/bench/attribution_bench.py, which compares with
 * async-profiler).
 */
class AttributionIT {
    @TempDir
    Path dir;

    /** The last Java frame of a stack (kernel and native frames come after it), or "". */
    private static String javaLeaf(List<String> frames) {
        for (int i = frames.size() - 1; i >= 0; i--) {
            String f = frames.get(i);
            if (f.endsWith("_[k]") || f.startsWith("[") || f.matches(".* \\[[^\\] ]+\\]$") && !f.endsWith(" [native]")) {
                continue;
            }
            return f;
        }
        return "";
    }

    private static boolean isWalkFailure(Stack stack) {
        String root = stack.frames().get(0);
        return root.equals("[unknown_Java]") || root.equals("[not_walkable_Java]");
    }

    /**
     * CRC32.update runs HotSpot's updateBytesCRC32 stub, which AsyncGetCallTrace cannot walk
     * from (it answered unknown_Java for about two thirds of the samples). Walked from the
     * stub's caller, and looked up at the call itself rather than at the code after it, the
     * samples belong to CRC32's Java frames, and the caller that only loops gets next to none.
     */
    @Test
    void timeInAnIntrinsicStubIsChargedToItsJavaMethodNotLostOrGivenToTheCaller() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=cpu,interval=1ms", IntrinsicWorkload.class, "crc", "1500");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        long inCase = 0, failed = 0, inCrc = 0, inCaller = 0;
        for (Stack stack : profile.stacks()) {
            if (isWalkFailure(stack)) {
                failed += stack.count();
                continue;
            }
            if (stack.frames().stream().noneMatch(f -> f.startsWith("dev.jflame.workload.IntrinsicWorkload.crcCaller"))) {
                continue;
            }
            inCase += stack.count();
            String leaf = javaLeaf(stack.frames());
            if (leaf.startsWith("java.util.zip.CRC32.")) inCrc += stack.count();
            if (leaf.startsWith("dev.jflame.workload.IntrinsicWorkload.crcCaller")) inCaller += stack.count();
        }
        long all = inCase + failed;
        String why = "in crcCaller " + inCase + ", failed walks " + failed + ", CRC32 leaf " + inCrc
                + ", crcCaller leaf " + inCaller + "\n" + run.stderr();
        assertTrue(all > 500, "too few samples to judge: " + why);
        assertTrue(failed < 0.05 * all, "walks failed in the stub: " + why);
        assertTrue(inCrc > 0.85 * all, "CRC32's share: " + why);
        assertTrue(inCaller < 0.08 * all, "the caller's self share: " + why);
    }

    /** Math.log's stub (dlog) has no Java frame at all: its time goes to the caller, not lost. */
    @Test
    void timeInAStubWithoutAJavaMethodIsChargedToTheCaller() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=cpu,interval=1ms", IntrinsicWorkload.class, "log", "1500");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        long inCase = 0, failed = 0;
        for (Stack stack : profile.stacks()) {
            if (isWalkFailure(stack)) {
                failed += stack.count();
            } else if (stack.frames().stream().anyMatch(f -> f.startsWith("dev.jflame.workload.IntrinsicWorkload.logCaller"))) {
                inCase += stack.count();
            }
        }
        String why = "in logCaller " + inCase + ", failed walks " + failed + "\n" + run.stderr();
        assertTrue(inCase + failed > 500, "too few samples to judge: " + why);
        assertTrue(failed < 0.05 * (inCase + failed), "walks failed in the stub: " + why);
    }
}
