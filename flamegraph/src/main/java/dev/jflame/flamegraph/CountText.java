package dev.jflame.flamegraph;

import java.math.BigDecimal;

/** Turns fixed-point counts (see {@link Profile#countScale()}) into text. */
public final class CountText {

    private CountText() {
    }

    /** {@code 1234} at scale 0 is {@code "1234"}; {@code 125} at scale 1 is {@code "12.5"}. */
    public static String plain(long count, int scale) {
        if (scale == 0) {
            return Long.toString(count);
        }
        return BigDecimal.valueOf(count, scale).stripTrailingZeros().toPlainString();
    }

    /** Like {@link #plain} with thousands separators in the integer part: {@code "1,234,567"}. */
    public static String grouped(long count, int scale) {
        String plain = plain(count, scale);
        int point = plain.indexOf('.');
        int integerEnd = point < 0 ? plain.length() : point;
        int integerStart = plain.startsWith("-") ? 1 : 0;
        StringBuilder out = new StringBuilder(plain.length() + 8);
        out.append(plain, 0, integerStart);
        for (int i = integerStart; i < integerEnd; i++) {
            if (i > integerStart && (integerEnd - i) % 3 == 0) {
                out.append(',');
            }
            out.append(plain.charAt(i));
        }
        out.append(plain, integerEnd, plain.length());
        return out.toString();
    }
}
