package dev.jflame.jvm;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A number of bytes such as {@code 512k}: the one parser of the sizes the agent accepts
 * (a bare number of bytes, or k, m, g for powers of 1024), used for the allocation
 * sampling interval.
 */
public record ByteSize(long bytes) {
    /** SetHeapSamplingInterval takes a jint. */
    public static final long MAX_BYTES = Integer.MAX_VALUE;
    public static final ByteSize DEFAULT_ALLOC = new ByteSize(512 * 1024);
    private static final Pattern FORM = Pattern.compile("(\\d{1,12})([kmg]?)");

    public ByteSize {
        if (bytes < 1 || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("size must be from 1 byte to " + MAX_BYTES + " bytes (under 2g), got "
                    + bytes);
        }
    }

    public static ByteSize parse(String text) {
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "invalid size '" + text + "': expected a whole number of bytes, optionally with k, m or g, e.g. 512k");
        }
        long scale = switch (m.group(2)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1L;
        };
        long value = Long.parseLong(m.group(1));
        if (value > MAX_BYTES / scale + 1) {
            throw new IllegalArgumentException("invalid size '" + text + "': must be under 2g");
        }
        return new ByteSize(value * scale);
    }

    @Override
    public String toString() {
        for (String unit : new String[] {"g", "m", "k"}) {
            long scale = switch (unit) {
                case "g" -> 1L << 30;
                case "m" -> 1L << 20;
                default -> 1L << 10;
            };
            if (bytes % scale == 0) {
                return bytes / scale + unit;
            }
        }
        return Long.toString(bytes);
    }
}
