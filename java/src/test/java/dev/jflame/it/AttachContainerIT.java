package dev.jflame.it;

import static dev.jflame.it.AttachTargets.jflame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jflame.flamegraph.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attaching to a JVM in another mount and pid namespace, as in a container: the target has
 * its own /tmp (a fresh tmpfs) and /proc, so the agent must be placed, and the profile read
 * back, through /proc/PID/root.
 */
class AttachContainerIT {
    @TempDir
    Path dir;

    @Test
    void aJvmWithItsOwnTmpAndPidNamespaceIsProfiled() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "needs root and unshare to make namespaces");
        List<String> container = List.of("/usr/bin/unshare", "--mount", "--pid", "--fork", "--mount-proc", "sh", "-c",
                "mount -t tmpfs jflame-test-tmp /tmp && exec \"$0\" \"$@\"");
        AttachTargets.Target target;
        try {
            target = AttachTargets.start(dir, 120, container);
        } catch (AssertionError e) {
            assumeTrue(false, "cannot make namespaces here: " + e.getMessage());
            return;
        }
        try {
            Optional<ProcessHandle> java = target.process().descendants()
                    .filter(p -> p.info().command().orElse("").endsWith("/java")).findFirst();
            assertTrue(java.isPresent(), "the JVM inside the namespaces");
            long pid = java.get().pid();
            assertFalse(Files.exists(Path.of("/proc", Long.toString(pid), "root", "tmp", "jflame-root")));

            Jflame r = jflame(dir, "attach", Long.toString(pid), "-d", "2s", "-o", "container.collapsed");
            assertEquals(0, r.exitCode(), r.stderr());
            Profile profile = AttachTargets.profile(dir.resolve("container.collapsed"));
            long hot = Shares.samplesIn(profile, "hotMethod").get("hotMethod");
            assertTrue(hot > 0.8 * AttachTargets.samplesOf(profile), "hot method dominates: " + r.stderr());
            // The agent was placed inside the target's own /tmp, the host's /tmp has no work dir of it.
            assertTrue(Files.isDirectory(Path.of("/proc", Long.toString(pid), "root", "tmp", "jflame-root")));

            AttachTargets.Ended ended = target.finish();
            assertEquals("ready\ndone00\n", ended.stdout());
            assertEquals(5, ended.exitCode());
        } finally {
            target.kill();
        }
    }
}
