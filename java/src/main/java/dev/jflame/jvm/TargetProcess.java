package dev.jflame.jvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /proc} tells about a process before jflame attaches to it. The attach mechanism
 * signals the process (SIGQUIT) to wake its attach listener, which would kill a process that
 * is no JVM and make a JVM started with {@code -XX:+DisableAttachMechanism} print a thread
 * dump; so {@link #checkAttachable} refuses those, and processes of other users, with a
 * one-line reason before anything is sent.
 */
public final class TargetProcess {
    private static final String DISABLE_ATTACH = "-XX:+DisableAttachMechanism";

    private TargetProcess() {
    }

    public static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    static void checkAttachable(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        if (pid <= 0 || !Files.isDirectory(proc)) {
            throw new IOException("no such process: " + pid);
        }
        int ourUid = uidOf(Path.of("/proc/self"));
        int theirUid = uidOf(proc);
        if (ourUid != 0 && ourUid != theirUid) {
            throw new IOException("process " + pid + " belongs to " + ownerName(proc, theirUid)
                    + ": jflame attaches only to JVMs of its own user (or runs as root)");
        }
        String maps;
        try {
            maps = Files.readString(proc.resolve("maps"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            if (!isAlive(pid)) {
                throw new IOException("no such process: " + pid, e);
            }
            throw new IOException("cannot inspect process " + pid + ": permission denied reading " + proc.resolve("maps"), e);
        }
        if (maps.isEmpty() || !isAlive(pid)) {
            throw new IOException("process " + pid + " is exiting or has exited");
        }
        if (!maps.contains("/libjvm.so")) {
            throw new IOException("process " + pid + " (" + commOf(proc) + ") is not a Java VM");
        }
        if (lastJvmFlag(commandLineWords(proc), "DisableAttachMechanism")) {
            throw new IOException("JVM " + pid + " was started with " + DISABLE_ATTACH
                    + " and accepts no attach; restart it without that option");
        }
    }

    /** Whether {@code -XX:+NAME} is in effect: the last of {@code -XX:±NAME} wins, as in the JVM. */
    static boolean lastJvmFlag(List<String> words, String name) {
        boolean on = false;
        for (String word : words) {
            for (String part : word.split("\\s+")) {
                if (part.equals("-XX:+" + name)) {
                    on = true;
                } else if (part.equals("-XX:-" + name)) {
                    on = false;
                }
            }
        }
        return on;
    }

    /** The JVM's options as the launcher saw them: the variables it reads, then the command line. */
    private static List<String> commandLineWords(Path proc) {
        List<String> words = new ArrayList<>();
        try {
            for (String env : nulSeparated(proc.resolve("environ"))) {
                if (env.startsWith("JAVA_TOOL_OPTIONS=") || env.startsWith("JDK_JAVA_OPTIONS=")
                        || env.startsWith("_JAVA_OPTIONS=")) {
                    words.add(env.substring(env.indexOf('=') + 1));
                }
            }
        } catch (IOException e) {
            // Unreadable environment: the command line still tells the common case.
        }
        try {
            words.addAll(nulSeparated(proc.resolve("cmdline")));
        } catch (IOException e) {
            // The process is going away; the attach will say so.
        }
        return words;
    }

    private static List<String> nulSeparated(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return List.of(text.split("\0"));
    }

    static int uidOf(Path path) throws IOException {
        try {
            return (Integer) Files.getAttribute(path, "unix:uid");
        } catch (NoSuchFileException e) {
            throw new IOException("no such process: " + path.getFileName(), e);
        }
    }

    private static String ownerName(Path proc, int uid) {
        try {
            return "user " + Files.getOwner(proc).getName();
        } catch (IOException e) {
            return "uid " + uid;
        }
    }

    private static String commOf(Path proc) {
        try {
            return Files.readString(proc.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "?";
        }
    }
}
