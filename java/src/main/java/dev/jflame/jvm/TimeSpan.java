package dev.jflame.jvm;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar of lengths of time on jflame's command line, for every option that takes one
 * (-i, --lock, --checkpoint, -d, --refresh, --from/--to offsets): a whole number and a unit, ns,
 * us, ms, s, m or h ({@code 10ms}, {@code 30s}, {@code 5m}). A unit is required: a bare
 * {@code 10} is almost never meant as nanoseconds.
 */
public final class TimeSpan {
    public static final String UNITS = "ns, us, ms, s, m or h";
    private static final Pattern FORM = Pattern.compile("(\\d{1,12})(ns|us|ms|s|m|h)");

    private TimeSpan() {
    }

    /** The nanoseconds {@code text} spells; {@code what} names the value in the error ("interval"). */
    public static long parseNanos(String text, String what) {
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid " + what + " '" + text + "': expected a whole number with a "
                    + "unit " + UNITS + ", e.g. 10ms or 5m");
        }
        long value = Long.parseLong(m.group(1));
        long scale = switch (m.group(2)) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
        };
        if (value > Long.MAX_VALUE / scale) {
            throw new IllegalArgumentException(what + " '" + text + "' is too long");
        }
        return value * scale;
    }
}
