package dev.jflame.flamegraph;

import java.util.List;
import java.util.Objects;

/**
 * One distinct call stack and how often it was sampled.
 *
 * <p>{@code frames} run root first (thread or entry point) to leaf (the executing method).
 * {@code count} is in the owning profile's count units: an integer number of
 * 10<sup>-countScale</sup> samples (see {@link Profile#countScale()}); for the usual integer
 * input the scale is 0 and {@code count} is simply the number of samples. A differential
 * profile pairs two counts per stack in {@link DiffStack} instead.
 */
public record Stack(List<String> frames, long count) {

    public Stack {
        frames = List.copyOf(Objects.requireNonNull(frames, "frames"));
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
    }
}
