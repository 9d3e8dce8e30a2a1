package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.VirtualThreadsWorkload;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CPU samples of work done in virtual threads that keep unmounting and remounting (JDK 21 and later). */
class VirtualThreadsIT {
    private static final String MARKER = "[virtual_thread_frames_missing]";

    @TempDir
    Path dir;

    @Test
    void selfTimeSharesAreRightAndRemountedStacksAreMarked() throws Exception {
        int feature = Runtime.version().feature();
        if (feature < 21) {
            System.out.println("VirtualThreadsIT skipped: Java " + feature + " has no virtual threads (JDK 21+)");
        }
        assumeTrue(feature >= 21, "Java " + feature + " has no virtual threads (JDK 21+)");
        // Thousands of short virtual threads, each yielding and sleeping between its parts,
        // sampled every millisecond of CPU: mounts and unmounts happen under the sampler.
        AgentRun run = AgentRun.run(dir, "event=cpu,interval=1ms", VirtualThreadsWorkload.class, "5000");
        assertEquals(0, run.exitCode(), run.stderr());
        Matcher started = Pattern.compile("virtual threads: (\\d+)").matcher(run.stdout());
        assertTrue(started.find() && Long.parseLong(started.group(1)) > 100, run.stdout());

        Profile profile = run.profile();
        Map<String, Long> samples = Shares.samplesIn(profile, "sixty", "thirty", "ten");
        long total = samples.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(total > 1000, () -> "too few samples to judge: " + samples + "\n" + run.stderr());
        Map<String, Double> shares = Shares.percentAmong(profile, "sixty", "thirty", "ten");
        assertEquals(60, shares.get("sixty"), 3, () -> "shares " + shares);
        assertEquals(30, shares.get("thirty"), 3, () -> "shares " + shares);
        assertEquals(10, shares.get("ten"), 3, () -> "shares " + shares);

        long marked = profile.stacks().stream().filter(s -> s.frames().contains(MARKER)).mapToLong(Stack::count).sum();
        System.out.println("VirtualThreadsIT: shares " + shares + " of " + total + " samples; "
                + Math.round(100.0 * marked / total) + "% marked " + MARKER);
        // Every sample of the work is either a complete virtual-thread stack or marked.
        for (Stack s : profile.stacks()) {
            int enterSpecial = indexOf(s, "jdk.internal.vm.Continuation.enterSpecial");
            if (enterSpecial < 0 || enterSpecial + 1 >= s.frames().size()) {
                continue;
            }
            String next = s.frames().get(enterSpecial + 1);
            assertTrue(next.startsWith("jdk.internal.vm.Continuation.enter") || next.equals(MARKER), s::toString);
        }
    }

    private static int indexOf(Stack s, String prefix) {
        for (int i = 0; i < s.frames().size(); i++) {
            if (s.frames().get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
