package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.NativeFrameName;
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
 * stack where the thread is, marked {@code [native]}: the last Java frame, with the C
 * functions it runs ({@code deflate [libz.so.1]}) above it.
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
        long inZlib = total(compressing.stream().filter(s -> lastJava(s).contains("Deflater.")
                && lastJava(s).endsWith(" [native]")).toList());
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
            // The last Java frame is the native method the thread waits in: SocketDispatcher.read0,
            // Thread.sleep (sleep0 on newer JDKs), Object.wait (wait0); the C functions under it
            // and the state frame follow. (The state may read [running] for a moment while the
            // thread enters the call.)
            long inNative = total(stacks.stream().filter(s -> lastJava(s).endsWith(" [native]")).toList());
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

    /** The leaf-most frame that is not a C function, a marker or a wall state. */
    private static String lastJava(Stack s) {
        List<String> frames = s.frames();
        for (int i = frames.size() - 1; i >= 0; i--) {
            String f = frames.get(i);
            if (NativeFrameName.parse(f) == null && !f.startsWith("[")) {
                return f;
            }
        }
        return "";
    }

    private static long total(List<Stack> stacks) {
        return stacks.stream().mapToLong(Stack::count).sum();
    }

    private static String show(List<Stack> stacks) {
        return stacks.stream().map(s -> s.count() + " " + String.join(";", s.frames())).collect(Collectors.joining("\n"));
    }
}
