package dev.jflame.flamegraph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the stacks of a profile being parsed, in input order, with one count per stack for
 * plain profiles and two for differential ones, all at one shared scale that grows when a count
 * with more fraction digits arrives. When merging, identical stacks are summed into the first
 * occurrence; otherwise every line stays a stack of its own (flame charts need the sequence).
 */
final class StackCounts {

    private final int width;
    private final Map<List<String>, long[]> merged;
    private final List<List<String>> stacks = new ArrayList<>();
    private final List<long[]> counts = new ArrayList<>();
    /** Per column, the sum over all stacks: kept so that a profile's total always fits a long. */
    private final long[] grandTotals;
    private int scale;

    StackCounts(int width, boolean merge) {
        this.width = width;
        this.grandTotals = new long[width];
        this.merged = merge ? new HashMap<>() : null;
    }

    /**
     * Adds {@code values} (one per count column) for {@code frames}.
     *
     * @throws ArithmeticException if a stack's total or the profile's total no longer fits in a
     *                             long; nothing is added then
     */
    void add(List<String> frames, DecimalCount... values) {
        for (DecimalCount value : values) {
            if (value.scale() > scale) {
                rescale(value.scale());
            }
        }
        long[] newGrandTotals = new long[width];
        for (int i = 0; i < width; i++) {
            newGrandTotals[i] = Math.addExact(grandTotals[i], values[i].at(scale));
        }
        long[] totals = merged == null ? null : merged.get(frames);
        if (totals == null) {
            totals = new long[width];
            stacks.add(frames);
            counts.add(totals);
            if (merged != null) {
                merged.put(frames, totals);
            }
        }
        for (int i = 0; i < width; i++) {
            totals[i] = Math.addExact(totals[i], values[i].at(scale));
        }
        System.arraycopy(newGrandTotals, 0, grandTotals, 0, width);
    }

    private void rescale(int newScale) {
        long factor = DecimalCount.powerOfTen(newScale - scale);
        for (long[] totals : counts) {
            for (int i = 0; i < width; i++) {
                totals[i] = Math.multiplyExact(totals[i], factor);
            }
        }
        for (int i = 0; i < width; i++) {
            grandTotals[i] = Math.multiplyExact(grandTotals[i], factor);
        }
        scale = newScale;
    }

    int scale() {
        return scale;
    }

    int size() {
        return stacks.size();
    }

    List<String> frames(int index) {
        return stacks.get(index);
    }

    long count(int index, int column) {
        return counts.get(index)[column];
    }
}
