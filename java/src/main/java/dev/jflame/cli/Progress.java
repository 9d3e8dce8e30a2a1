package dev.jflame.cli;

import java.io.PrintWriter;

/**
 * One status line on stderr for long work ("12s left, 4,310 samples"), redrawn in place, and
 * only when stderr is a terminal: a log file or a pipe gets nothing. Closing it blanks the line,
 * so that the messages after it start on a clean line.
 */
final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final boolean enabled;
    private int shownLength;

    private Progress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    static Progress onStderr(PrintWriter err) {
        return new Progress(err, StandardOutput.isTerminal(2));
    }

    boolean enabled() {
        return enabled;
    }

    /** Replaces the line shown with {@code text}. */
    synchronized void show(String text) {
        if (!enabled) {
            return;
        }
        String line = "jflame: " + text;
        // Spaces over what is left of a longer previous line; no escape codes needed.
        err.print("\r" + line + " ".repeat(Math.max(0, shownLength - line.length())));
        err.flush();
        shownLength = line.length();
    }

    @Override
    public synchronized void close() {
        if (enabled && shownLength > 0) {
            err.print("\r" + " ".repeat(shownLength) + "\r");
            err.flush();
            shownLength = 0;
        }
    }

    /** {@code 75s} as {@code 1m15s}, for a countdown. */
    static String seconds(long totalSeconds) {
        long h = totalSeconds / 3600;
        long m = totalSeconds % 3600 / 60;
        long s = totalSeconds % 60;
        return h > 0 ? h + "h" + (m > 0 ? m + "m" : "") : m > 0 ? m + "m" + (s > 0 ? s + "s" : "") : s + "s";
    }
}
