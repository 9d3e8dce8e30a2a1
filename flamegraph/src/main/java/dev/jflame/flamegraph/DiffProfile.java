package dev.jflame.flamegraph;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Two profiles of the same program compared stack by stack, for differential flame graphs.
 * Read one with {@link DiffParser} ({@code stack count1 count2} lines) or build one with
 * {@link #between(Profile, Profile)}. Counts follow {@link Profile#countScale()}.
 */
public record DiffProfile(Map<String, String> metadata, List<DiffStack> stacks, int countScale) {

    public DiffProfile {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
        stacks = List.copyOf(Objects.requireNonNull(stacks, "stacks"));
        if (countScale < 0 || countScale > CollapsedParser.MAX_COUNT_SCALE) {
            throw new IllegalArgumentException("countScale out of range: " + countScale);
        }
    }

    /**
     * Pairs the stacks of {@code before} and {@code after} (a stack missing from one side counts
     * 0 there). Stacks appear in {@code after}'s order, then those only in {@code before}.
     * Metadata is {@code after}'s.
     */
    public static DiffProfile between(Profile before, Profile after) {
        int scale = Math.max(before.countScale(), after.countScale());
        long beforeFactor = DecimalCount.powerOfTen(scale - before.countScale());
        long afterFactor = DecimalCount.powerOfTen(scale - after.countScale());
        Map<List<String>, long[]> paired = new LinkedHashMap<>();
        for (Stack stack : after.stacks()) {
            paired.computeIfAbsent(stack.frames(), f -> new long[2])[1] += Math.multiplyExact(stack.count(), afterFactor);
        }
        for (Stack stack : before.stacks()) {
            paired.computeIfAbsent(stack.frames(), f -> new long[2])[0] += Math.multiplyExact(stack.count(), beforeFactor);
        }
        List<DiffStack> stacks = new ArrayList<>(paired.size());
        paired.forEach((frames, counts) -> stacks.add(new DiffStack(frames, counts[0], counts[1])));
        return new DiffProfile(after.metadata(), stacks, scale);
    }

    public long totalBefore() {
        long total = 0;
        for (DiffStack stack : stacks) {
            total = Math.addExact(total, stack.before());
        }
        return total;
    }

    public long totalAfter() {
        long total = 0;
        for (DiffStack stack : stacks) {
            total = Math.addExact(total, stack.after());
        }
        return total;
    }

    /**
     * This comparison with the "before" counts scaled so their total equals the "after" total,
     * so that a profile recorded for longer does not look like growth everywhere.
     */
    public DiffProfile normalized() {
        long totalBefore = totalBefore();
        long totalAfter = totalAfter();
        if (totalBefore == 0 || totalBefore == totalAfter) {
            return this;
        }
        BigInteger numerator = BigInteger.valueOf(totalAfter);
        BigInteger denominator = BigInteger.valueOf(totalBefore);
        BigInteger half = denominator.shiftRight(1);
        List<DiffStack> scaled = new ArrayList<>(stacks.size());
        for (DiffStack stack : stacks) {
            long before = BigInteger.valueOf(stack.before()).multiply(numerator).add(half).divide(denominator).longValueExact();
            scaled.add(new DiffStack(stack.frames(), before, stack.after()));
        }
        return new DiffProfile(metadata, scaled, countScale);
    }

    /** The "before" side alone. */
    public Profile before() {
        return new Profile(metadata, stacks.stream().map(s -> new Stack(s.frames(), s.before())).toList(), countScale);
    }

    /** The "after" side alone. */
    public Profile after() {
        return new Profile(metadata, stacks.stream().map(s -> new Stack(s.frames(), s.after())).toList(), countScale);
    }
}
