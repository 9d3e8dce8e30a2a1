package dev.jflame.jvm;


/**
 * A sampling interval such as {@code 10ms}, in the grammar of {@link TimeSpan}.
 */
public record Interval(long nanos) {
    /** The agent cannot sample faster than this without spending most of the CPU in its handler. */
    public static final long MIN_NANOS = 10_000;

    public Interval {
        if (nanos < MIN_NANOS) {
            throw new IllegalArgumentException("interval must be at least 10us, got " + nanos + "ns");
        }
    }

    public static Interval parse(String text) {
        return new Interval(parseNanos(text));
    }

    /** The nanoseconds {@code text} spells ({@link TimeSpan}), without the minimum of a sampling interval. */
    public static long parseNanos(String text) {
        return TimeSpan.parseNanos(text, "interval");
    }

    /** The agent's spelling: nanoseconds with their unit, exact whatever the user typed. */
    public String toAgentValue() {
        return nanos + "ns";
    }

    @Override
    public String toString() {
        if (nanos % 3_600_000_000_000L == 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos % 60_000_000_000L == 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        if (nanos % 1_000L == 0) {
            return nanos / 1_000L + "us";
        }
        return nanos + "ns";
    }
}
