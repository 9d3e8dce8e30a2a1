package dev.jflame.flamegraph;

import java.util.List;
import java.util.Objects;

/**
 * One stack of a differential profile with its count in the "before" and "after" profiles
 * (the {@code stack count1 count2} line format), both in the profile's count units.
 */
public record DiffStack(List<String> frames, long before, long after) {

    public DiffStack {
        frames = List.copyOf(Objects.requireNonNull(frames, "frames"));
        if (before < 0 || after < 0) {
            throw new IllegalArgumentException("counts must not be negative: " + before + ", " + after);
        }
    }

    /** {@code after - before}: positive when the stack grew. */
    public long delta() {
        return after - before;
    }
}
