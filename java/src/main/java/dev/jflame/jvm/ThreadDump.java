package dev.jflame.jvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every thread's stack at one moment, as the agent took it for {@code jflame dump PID}
 * ({@code threaddump}): each thread signalled and walked in the agent's signal handler, with no
 * safepoint. Parsed from the agent's tab-separated file (native/src/lifecycle/thread_dump.h).
 */
public record ThreadDump(List<ThreadStack> threads, AgentStatus facts) {
    /** How a thread answered the signal. */
    public enum Answer {
        walked, no_java_frames, signal_blocked, no_answer, exited;

        /** Said in the text dump for a thread without frames. */
        public String describe() {
            return switch (this) {
                case walked -> "";
                case no_java_frames -> "no Java frames";
                case signal_blocked -> "did not answer: it blocks SIGPROF";
                case no_answer -> "did not answer the signal in time";
                case exited -> "exited before it was signalled";
            };
        }
    }

    /**
     * One thread: its OS id, its java.lang.Thread id (-1 for a thread the JVM does not list to
     * tools), the kernel's state letter (empty if unknown), its name (namedByJava: the Java
     * name; else the kernel's, at most 15 characters) and its frames, leaf first.
     */
    public record ThreadStack(int tid, long javaId, String kernelState, Answer answer, boolean namedByJava,
                              String name, List<String> frames) {
        public ThreadStack {
            frames = List.copyOf(frames);
        }

        /** The kernel's state in words, or empty: no guess beyond what the kernel says. */
        public String state() {
            return switch (kernelState) {
                case "R" -> "running";
                case "S" -> "sleeping";
                case "D" -> "uninterruptible";
                case "T", "t" -> "stopped";
                case "Z" -> "zombie";
                default -> "";
            };
        }
    }

    public ThreadDump {
        threads = List.copyOf(threads);
    }

    /** Asks the agent for a dump into a work file and reads it. */
    public static ThreadDump take(AttachedJvm jvm) throws IOException {
        Path file = jvm.files().workFile("threads.txt");
        try {
            AgentStatus status = jvm.request("threaddump", "file=" + jvm.files().inTarget(file));
            if (!status.ok()) {
                throw new IOException("JVM " + jvm.pid() + ": " + status.message());
            }
            return new ThreadDump(parse(Files.readAllLines(file, StandardCharsets.UTF_8)), status);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static List<ThreadStack> parse(List<String> lines) throws IOException {
        List<ThreadStack> threads = new ArrayList<>();
        String[] head = null;
        List<String> frames = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f[0].equals("thread") && f.length == 7) {
                if (head != null) {
                    threads.add(stack(head, frames));
                }
                head = f;
                frames = new ArrayList<>();
            } else if (f[0].equals("frame") && f.length == 2 && head != null) {
                frames.add(f[1]);
            } else {
                throw new IOException("unexpected line in the agent's thread dump: " + line);
            }
        }
        if (head != null) {
            threads.add(stack(head, frames));
        }
        return threads;
    }

    private static ThreadStack stack(String[] f, List<String> frames) throws IOException {
        try {
            return new ThreadStack(Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3].equals("-") ? "" : f[3],
                    Answer.valueOf(f[4]), f[5].equals("java"), f[6], frames);
        } catch (IllegalArgumentException e) {
            throw new IOException("unexpected thread line in the agent's thread dump: " + String.join("\t", f), e);
        }
    }
}
