package dev.jflame.jvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a target process sees the file system. A JVM in a container (another mount namespace)
 * cannot open the host's {@code /tmp}; its files are reached from here through
 * {@code /proc/PID/root}, which is the target's own root. Paths handed to the target are in
 * its view ({@link #targetPath}); the same files are read and written here through
 * {@link #hostPath}. For a target in our own namespace both views are the same.
 */
public final class TargetNamespace {
    private final Path root;
    private final boolean shared;

    private TargetNamespace(Path root, boolean shared) {
        this.root = root;
        this.shared = shared;
    }

    public static TargetNamespace of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            String ours = Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString();
            String theirs = Files.readSymbolicLink(proc.resolve("ns/mnt")).toString();
            if (!ours.equals(theirs)) {
                return new TargetNamespace(proc.resolve("root"), false);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // Not allowed to look (another user's process): assume the common case, one namespace.
        }
        return new TargetNamespace(Path.of("/"), true);
    }

    /** Whether the target sees the same files as we do. */
    public boolean shared() {
        return shared;
    }

    /** The target's temporary directory, as seen from here. */
    public Path tmp() {
        return hostPath(Path.of("/tmp"));
    }

    /** A path in the target's view, as seen from here. */
    public Path hostPath(Path targetPath) {
        return shared ? targetPath : root.resolve(Path.of("/").relativize(targetPath.toAbsolutePath()));
    }

    /** A path seen from here (under {@link #tmp()} or elsewhere inside the target's root), in the target's view. */
    public Path targetPath(Path hostPath) {
        Path absolute = hostPath.toAbsolutePath().normalize();
        if (shared) {
            return absolute;
        }
        if (!absolute.startsWith(root)) {
            throw new IllegalArgumentException(hostPath + " is outside the target's file system " + root);
        }
        return Path.of("/").resolve(root.relativize(absolute));
    }
}
