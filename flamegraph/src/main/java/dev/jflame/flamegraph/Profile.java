package dev.jflame.flamegraph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed collapsed-stack profile: the {@code # key: value} metadata in file order and the
 * distinct stacks in order of first appearance.
 *
 * <p>Counts are exact fixed-point numbers: every {@link Stack#count()} is in units of
 * 10<sup>-countScale</sup>. Integer input (what jflame's agent writes) has scale 0, so counts
 * are plain sample counts. Decimal input such as {@code 12.5}, which flamegraph.pl accepts,
 * raises the scale to the most fraction digits seen (at most
 * {@link CollapsedParser#MAX_COUNT_SCALE}). Use {@link CountText} to show a count to a human.
 */
public record Profile(Map<String, String> metadata, List<Stack> stacks, int countScale) {

    public Profile {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
        stacks = List.copyOf(Objects.requireNonNull(stacks, "stacks"));
        if (countScale < 0 || countScale > CollapsedParser.MAX_COUNT_SCALE) {
            throw new IllegalArgumentException("countScale out of range: " + countScale);
        }
    }

    /** A profile with integer counts. */
    public Profile(Map<String, String> metadata, List<Stack> stacks) {
        this(metadata, stacks, 0);
    }

    /** Sum of all stack counts, in the same units as {@link Stack#count()}. */
    public long totalSamples() {
        long total = 0;
        for (Stack stack : stacks) {
            total = Math.addExact(total, stack.count());
        }
        return total;
    }

    /**
     * {@code stack}'s count in whole samples, rounded half up: for outputs that take integers
     * only (pprof, async-profiler's HTML graph).
     */
    public long wholeCount(Stack stack) {
        long unit = DecimalCount.powerOfTen(countScale);
        return (stack.count() + unit / 2) / unit;
    }

    /** The metadata value for {@code key} (as written after {@code # key:}), if present. */
    public Optional<String> meta(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    public boolean isEmpty() {
        return stacks.isEmpty();
    }
}
