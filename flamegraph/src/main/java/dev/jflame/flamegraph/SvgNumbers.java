package dev.jflame.flamegraph;

/**
 * Number formatting for SVG output without {@code String.format}, which is far too slow for
 * hundreds of thousands of frames: coordinates with at most two decimals, percentages with
 * exactly two.
 */
final class SvgNumbers {

    private SvgNumbers() {
    }

    /** Appends {@code value} rounded to two decimals, without trailing zeros. */
    static void number(StringBuilder out, double value) {
        hundredths(out, Math.round(value * 100));
    }

    static void hundredths(StringBuilder out, long hundredths) {
        if (hundredths < 0) {
            out.append('-');
            hundredths = -hundredths;
        }
        out.append(hundredths / 100);
        long fraction = hundredths % 100;
        if (fraction != 0) {
            out.append('.');
            if (fraction < 10) {
                out.append('0');
                out.append(fraction);
            } else {
                out.append(fraction % 10 == 0 ? fraction / 10 : fraction);
            }
        }
    }

    /** Appends {@code share} as a percentage with exactly two decimals, e.g. {@code 12.50}. */
    static void percent(StringBuilder out, double share) {
        long hundredths = Math.round(share * 10_000);
        if (hundredths < 0) {
            out.append('-');
            hundredths = -hundredths;
        }
        out.append(hundredths / 100).append('.');
        long fraction = hundredths % 100;
        if (fraction < 10) {
            out.append('0');
        }
        out.append(fraction);
    }
}
