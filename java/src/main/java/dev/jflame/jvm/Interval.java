package dev.jflame.jvm;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sampling interval such as {@code 10ms}: the one parser of the units the agent accepts
 * (ns, us, ms, s). The command line insists on a unit, because a bare {@code -i 10} is
 * almost never meant as ten nanoseconds.
 */
public record Interval(long nanos) {
    /** The agent cannot sample faster than this without spending most of the CPU in its handler. */
    public static final long MIN_NANOS = 10_000;
    private static final Pattern FORM = Pattern.compile("(\\d{1,12})(ns|us|ms|s)");

    public Interval {
        if (nanos < MIN_NANOS) {
            throw new IllegalArgumentException("interval must be at least 10us, got " + nanos + "ns");
        }
    }

    public static Interval parse(String text) {
        return new Interval(parseNanos(text));
    }

    /** The nanoseconds {@code text} spells, without the minimum of a sampling interval (a lock threshold). */
    public static long parseNanos(String text) {
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "invalid interval '" + text + "': expected a number with a unit ns, us, ms or s, e.g. 10ms");
        }
        long value = Long.parseLong(m.group(1));
        long scale = switch (m.group(2)) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            default -> 1_000_000_000L;
        };
        if (value > Long.MAX_VALUE / scale) {
            throw new IllegalArgumentException("interval '" + text + "' is too long");
        }
        return value * scale;
    }

    /** The agent's spelling: nanoseconds with their unit, exact whatever the user typed. */
    public String toAgentValue() {
        return nanos + "ns";
    }

    @Override
    public String toString() {
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
