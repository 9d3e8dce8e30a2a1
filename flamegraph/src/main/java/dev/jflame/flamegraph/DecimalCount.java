package dev.jflame.flamegraph;

/**
 * A non-negative count token from collapsed input, held exactly as {@code unscaled * 10^-scale}
 * so that {@code 3} and {@code 2.5} can be summed without floating-point drift.
 */
record DecimalCount(long unscaled, int scale) {

    /**
     * Parses {@code 123}, {@code 12.5} or {@code 12.} in {@code text[start, end)}; returns null
     * if it is not such a number. Fraction digits past {@code maxScale} are dropped (they are
     * far below anything a flame graph can show).
     *
     * @throws ArithmeticException if the value does not fit in a long at its scale
     */
    static DecimalCount parse(byte[] text, int start, int end, int maxScale) {
        if (start == end) {
            return null;
        }
        long value = 0;
        int scale = 0;
        boolean sawPoint = false;
        boolean sawDigit = false;
        for (int i = start; i < end; i++) {
            byte c = text[i];
            if (c == '.' && !sawPoint && sawDigit) {
                sawPoint = true;
            } else if (c >= '0' && c <= '9') {
                sawDigit = true;
                if (sawPoint) {
                    if (scale == maxScale) {
                        continue;
                    }
                    scale++;
                }
                value = Math.addExact(Math.multiplyExact(value, 10), c - '0');
            } else {
                return null;
            }
        }
        return sawDigit ? new DecimalCount(value, scale) : null;
    }

    /** This count in units of {@code 10^-targetScale}; {@code targetScale} must be at least {@link #scale}. */
    long at(int targetScale) {
        return Math.multiplyExact(unscaled, powerOfTen(targetScale - scale));
    }

    static long powerOfTen(int exponent) {
        long result = 1;
        for (int i = 0; i < exponent; i++) {
            result = Math.multiplyExact(result, 10);
        }
        return result;
    }
}
