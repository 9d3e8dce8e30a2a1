package dev.jflame.jvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The files an attached JVM and jflame share: the embedded agent, placed where the target can
 * load it, and a private work directory under the target's {@code /tmp} where the agent writes
 * status files and profiles. Paths are kept as seen from here; {@link #inTarget} names them in
 * the target's view (through {@code /proc/PID/root} when it lives in another mount namespace).
 */
public final class TargetFiles {
    private final TargetNamespace namespace;
    private final Path agentInTarget;
    private final Path workDir;

    private TargetFiles(TargetNamespace namespace, Path agentInTarget, Path workDir) {
        this.namespace = namespace;
        this.agentInTarget = agentInTarget;
        this.workDir = workDir;
    }

    /** Extracts the agent where the target can read it and creates the work directory. */
    static TargetFiles place(long pid, TargetNamespace namespace) throws IOException {
        Path agent = placeAgent(namespace);
        Path work = createWorkDir(pid, namespace);
        return new TargetFiles(namespace, namespace.targetPath(agent), work);
    }

    /** The agent library, in the target's view. */
    Path agentInTarget() {
        return agentInTarget;
    }

    /** A file in the private directory, as seen from here; {@link #inTarget} names it for the agent. */
    public Path workFile(String name) {
        return workDir.resolve(name);
    }

    /** A file in the target's {@code /tmp}, as seen from here. */
    public Path tmpFile(String name) {
        return namespace.tmp().resolve(name);
    }

    /** Whether the target sees our files under the same paths (no container between us). */
    public boolean sharesFiles() {
        return namespace.shared();
    }

    /** A path seen from here, in the target's view. */
    public Path inTarget(Path hostPath) {
        return namespace.targetPath(hostPath);
    }

    /** Deletes the work directory; the agent stays, to be reused by the next attach. */
    void deleteWorkDir() {
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A leftover directory in the target's /tmp is harmless.
        }
    }

    /** The agent, at the same path for every attach of this build (so the JVM reuses the loaded copy). */
    private static Path placeAgent(TargetNamespace namespace) throws IOException {
        if (namespace.shared()) {
            return EmbeddedAgent.inTempDirectory().extract();
        }
        return new EmbeddedAgent(namespace.tmp().resolve("jflame-" + EmbeddedAgent.userName())).extract();
    }

    private static Path createWorkDir(long pid, TargetNamespace namespace) throws IOException {
        Path dir = Files.createTempDirectory(namespace.tmp(), "jflame-attach-" + pid + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        // The agent runs as the target's user: when root attaches to another user's JVM, the
        // directory is handed to that user, still private to it.
        Path proc = Path.of("/proc", Long.toString(pid));
        int uid = TargetProcess.uidOf(proc);
        if (uid != TargetProcess.uidOf(Path.of("/proc/self"))) {
            Files.setAttribute(dir, "unix:gid", Files.getAttribute(proc, "unix:gid"));
            Files.setAttribute(dir, "unix:uid", uid);
        }
        return dir;
    }
}
