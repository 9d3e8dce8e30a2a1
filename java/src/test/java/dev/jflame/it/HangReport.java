package dev.jflame.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a child process that did not end in time was doing, for the failure message: every
 * thread's native stack from gdb, which still answers when the JVM itself is deadlocked (a
 * jstack would wait for a safepoint that never comes). A hang in CI is otherwise a bare
 * timeout that nobody can reproduce.
 */
final class HangReport {
    private HangReport() {
    }

    /** The stacks of {@code process} and of its descendants (the app jflame started). */
    static String of(Process process) {
        StringBuilder all = new StringBuilder(of(process.toHandle()));
        process.descendants().forEach(child -> all.append("\n--- child process ").append(child.pid()).append(" ---\n")
                .append(of(child)));
        return all.toString();
    }

    /** The stacks of one process, or why there are none; never throws. */
    private static String of(ProcessHandle process) {
        try {
            Path gdb = Path.of("/usr/bin/gdb");
            if (!Files.isExecutable(gdb)) {
                return "(no stacks: gdb is not installed)";
            }
            Path out = Files.createTempFile("jflame-hang", ".txt");
            try {
                Process p = new ProcessBuilder(List.of(gdb.toString(), "-p", Long.toString(process.pid()), "-batch",
                        "-ex", "thread apply all bt 40")).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
                return Files.readString(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return "(no stacks: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(no stacks: interrupted)";
        }
    }

    /** Stacks of the hung process, kept under target/ for CI logs, then the process killed. */
    static AssertionError timedOut(Process process, List<String> cmd) {
        String stacks = of(process);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        Path saved = Path.of("target", "hang-" + process.pid() + ".txt");
        try {
            Files.writeString(saved, "command: " + cmd + "\n" + stacks, StandardCharsets.UTF_8);
        } catch (IOException e) {
            saved = null;
        }
        return new AssertionError("timed out: " + cmd + (saved != null ? "; thread stacks in " + saved.toAbsolutePath() : "")
                + "\n" + stacks);
    }
}
