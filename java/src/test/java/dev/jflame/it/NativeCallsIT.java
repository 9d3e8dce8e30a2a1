package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.NativeCallsWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads inside native methods, for long: CPU in zlib under Deflater, a socket read that
 * never returns, Thread.sleep, Object.wait. No crash, and the native method is on the
 * stack where the thread is, marked {@code [native]}.
 */
class NativeCallsIT {
    @TempDir
    Path dir;

    @Test
    void cpuInsideANativeMethodIsChargedToIt() throws Exception {
        AgentRun run = AgentRun.run(sub("cpu"), "threads,event=cpu,interval=1ms", NativeCallsWorkload.class, "2000");
        assertEquals(0, run.exitCode(), run.stderr());
        List<Stack> compressing = through(run.profile(), "[main ", "NativeCallsWorkload.compress");
        long all = total(compressing);
        long inZlib = total(compressing.stream().filter(s -> leaf(s).contains("Deflater.")
                && leaf(s).endsWith(" [native]")).toList());
        assertTrue(all > 300, "samples in compress: " + all + "\n" + run.stderr());
        // Filling the input buffer is Java; the rest is zlib.
        assertTrue(inZlib > 0.7 * all, () -> inZlib + " of " + all + " in a native Deflater method:\n" + show(compressing));
    }

    @Test
    void threadsBlockedInNativeCallsShowTheNativeMethodOnWall() throws Exception {
        AgentRun run = AgentRun.run(sub("wall"), "threads,event=wall,interval=10ms", NativeCallsWorkload.class, "1500");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        for (String thread : List.of("reader", "sleeper", "waiter")) {
            List<Stack> stacks = through(profile, "[" + thread + " ", "NativeCallsWorkload.");
            long all = total(stacks);
            // The frame under the state frame is the native method the thread waits in:
            // SocketDispatcher.read0, Thread.sleep (sleep0 on newer JDKs), Object.wait (wait0).
            // (The state may read [running] for a moment while the thread enters the call.)
            long inNative = total(stacks.stream().filter(s -> s.frames().size() >= 2
                    && s.frames().get(s.frames().size() - 2).endsWith(" [native]")).toList());
            assertTrue(all > 50, thread + ": samples " + all + "\n" + run.stderr());
            assertTrue(inNative > 0.9 * all, () -> thread + ": " + inNative + " of " + all + " in a native method:\n"
                    + show(stacks));
        }
    }

    private Path sub(String name) throws Exception {
        return Files.createDirectories(dir.resolve(name));
    }

    private static List<Stack> through(Profile profile, String root, String method) {
        return profile.stacks().stream().filter(s -> s.frames().get(0).startsWith(root)
                && s.frames().stream().anyMatch(f -> f.contains(method))).toList();
    }

    private static String leaf(Stack s) {
        return s.frames().get(s.frames().size() - 1);
    }

    private static long total(List<Stack> stacks) {
        return stacks.stream().mapToLong(Stack::count).sum();
    }

    private static String show(List<Stack> stacks) {
        return stacks.stream().map(s -> s.count() + " " + String.join(";", s.frames())).collect(Collectors.joining("\n"));
    }
}
