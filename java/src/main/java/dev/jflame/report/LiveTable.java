package dev.jflame.report;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The numbers of {@code jflame top PID}: the last window's stacks and the sum of every window
 * since the start (or the last reset), turned into one row per function (or per thread and
 * function) with self and total samples of both. Built on {@link MethodTable}, so a live row
 * counts as the same row of {@code jflame top FILE} would.
 */
public final class LiveTable {
    /** One function's numbers; window* for the last window, the others since the start. */
    public record Row(String thread, String function, String kind, long windowSelf, long windowTotal, long self,
                      long total) {
    }

    private Profile window = new Profile(Map.of(), List.of());
    private final Map<List<String>, Long> sinceStart = new LinkedHashMap<>();
    private long windowSamples;
    private long samples;

    /** Adds a window's stacks: it becomes the last window and joins the totals. */
    public void add(Profile stacks) {
        window = stacks;
        windowSamples = stacks.totalSamples();
        for (Stack stack : stacks.stacks()) {
            sinceStart.merge(stack.frames(), stack.count(), Long::sum);
        }
        samples += windowSamples;
    }

    /** Forgets the totals and the last window (the {@code r} key). */
    public void reset() {
        window = new Profile(Map.of(), List.of());
        sinceStart.clear();
        windowSamples = 0;
        samples = 0;
    }

    public long windowSamples() {
        return windowSamples;
    }

    public long samples() {
        return samples;
    }

    /**
     * The rows, sorted by the last window first (then since the start; name: by function),
     * those matching {@code filter} (function or thread; null keeps all).
     */
    public List<Row> rows(MethodTable.Order order, boolean byThread, Pattern filter) {
        List<Stack> all = new ArrayList<>(sinceStart.size());
        sinceStart.forEach((frames, count) -> all.add(new Stack(frames, count)));
        Map<String, MethodStats> inWindow = new HashMap<>();
        for (MethodStats s : MethodTable.of(window, false, byThread).top(MethodTable.Order.name, Integer.MAX_VALUE)) {
            inWindow.put(s.thread() + "\n" + s.method(), s);
        }
        List<Row> rows = new ArrayList<>();
        for (MethodStats s : MethodTable.of(new Profile(Map.of(), all), false, byThread)
                .top(MethodTable.Order.name, Integer.MAX_VALUE)) {
            if (filter != null && !filter.matcher(s.method()).find() && !filter.matcher(s.thread()).find()) {
                continue;
            }
            MethodStats w = inWindow.get(s.thread() + "\n" + s.method());
            rows.add(new Row(s.thread(), s.method(), s.kind(), w == null ? 0 : w.self(), w == null ? 0 : w.total(),
                    s.self(), s.total()));
        }
        rows.sort(comparator(order));
        return rows;
    }

    private static Comparator<Row> comparator(MethodTable.Order order) {
        Comparator<Row> byName = Comparator.comparing(Row::function).thenComparing(Row::thread);
        return switch (order) {
            case self -> Comparator.comparingLong(Row::windowSelf).thenComparingLong(Row::self).reversed()
                    .thenComparing(byName);
            case total -> Comparator.comparingLong(Row::windowTotal).thenComparingLong(Row::total).reversed()
                    .thenComparing(byName);
            case name -> byName;
        };
    }

    /** {@code part} as a percentage of {@code whole}, 0 for an empty whole. */
    public static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
