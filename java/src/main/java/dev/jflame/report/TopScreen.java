package dev.jflame.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of {@code jflame top PID}: a header that accounts for the window (samples, the JVM's
 * CPU, the agent's own cost), then the table of {@link LiveTable} rows. Plain lines, cut to a
 * width; the full-screen view styles them, the plain view prints them as they are.
 */
public final class TopScreen {
    /** What the header says besides the table. */
    public record Status(long pid, String java, String event, long intervalNs, long threads, long elapsedMs,
                         long windowMs, long windowSamples, long profileSamples, long handlerNs, long handlerCalls,
                         long cpuNs, long agentThreadsNs, boolean ours) {
    }

    /** What the view shows: sort, grouping, filter, pause, and a one-line message (or empty). */
    public record View(MethodTable.Order sort, boolean byThread, String filter, boolean paused, String message) {
    }

    public static final String COLUMNS = "  WIN SELF%  WIN TOTAL%   SELF%  TOTAL%      SELF     TOTAL  KIND    ";
    public static final String KEYS = "q quit  s sort  t threads  p pause  / filter  r reset";

    private TopScreen() {
    }

    /** The header lines; {@code interactive} adds the keys. */
    public static List<String> header(Status s, View v, LiveTable table, boolean interactive) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "jflame top - JVM %d (Java %s)  event %s every %s  %d threads  elapsed %s  %s",
                s.pid(), s.java(), s.event(), duration(s.intervalNs()), s.threads(), clock(s.elapsedMs()),
                s.ours() ? "profile started by top" : "reading a running profile"));
        double windowS = Math.max(s.windowMs(), 1) / 1000.0;
        lines.add(String.format(Locale.ROOT,
                "window %.1f s: %d samples, JVM CPU %.0f%%   since start: %d samples   agent: handler %.2f%% of a CPU"
                        + " (%.1f us/sample), threads %.2f%%",
                windowS, s.windowSamples(), s.cpuNs() / 1e7 / windowS, table.samples(),
                s.handlerNs() / 1e7 / windowS, s.handlerCalls() == 0 ? 0.0 : s.handlerNs() / 1e3 / s.handlerCalls(),
                s.agentThreadsNs() / 1e7 / windowS));
        if (interactive) {
            lines.add("sort: " + v.sort() + "  group: " + (v.byThread() ? "thread" : "function") + "  filter: "
                    + (v.filter().isEmpty() ? "-" : v.filter()) + (v.paused() ? "  [PAUSED]" : "") + "   " + KEYS);
        }
        return lines;
    }

    /** A table row. */
    public static String row(LiveTable.Row r, LiveTable table) {
        String function = r.thread().isEmpty() ? r.function() : r.thread() + "  " + r.function();
        return String.format(Locale.ROOT, "  %8.2f%%  %9.2f%%  %6.2f%%  %6.2f%%  %8d  %8d  %-6s  %s",
                LiveTable.percent(r.windowSelf(), table.windowSamples()),
                LiveTable.percent(r.windowTotal(), table.windowSamples()), LiveTable.percent(r.self(), table.samples()),
                LiveTable.percent(r.total(), table.samples()), r.self(), r.total(), r.kind(), function);
    }

    public static String columns(boolean byThread) {
        return COLUMNS + (byThread ? "THREAD  FUNCTION" : "FUNCTION");
    }

    /** {@code text} cut to {@code width} columns (names are ASCII for all but exotic threads). */
    public static String fit(String text, int width) {
        return text.length() <= width ? text : text.substring(0, Math.max(0, width));
    }

    static String duration(long ns) {
        if (ns % 1_000_000_000L == 0) {
            return ns / 1_000_000_000L + "s";
        }
        if (ns % 1_000_000L == 0) {
            return ns / 1_000_000L + "ms";
        }
        return ns % 1000 == 0 ? ns / 1000 + "us" : ns + "ns";
    }

    static String clock(long ms) {
        long s = ms / 1000;
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
