package dev.jflame.flamegraph;

/**
 * Fits a frame name into its box: the whole name if it fits, else a prefix ending in
 * {@code ..}, else nothing. Text width is estimated, not measured (no fonts on the server):
 * an average glyph is taken as {@value #GLYPH_WIDTH_EM} of the font size. The script in the
 * SVG uses the same rule when zooming re-fits labels.
 */
final class FrameLabel {

    static final double GLYPH_WIDTH_EM = 0.59;
    /** Left padding plus a little right slack inside the box, in pixels. */
    static final double PADDING_PX = 6;

    private FrameLabel() {
    }

    /**
     * End index (exclusive) in {@code name} of the part to show, or 0 for no label; when smaller
     * than {@code name.length()} the shown part must be followed by {@code ..}.
     */
    static int visibleEnd(String name, double boxWidth, double fontSize) {
        int fits = (int) ((boxWidth - PADDING_PX) / (fontSize * GLYPH_WIDTH_EM));
        if (fits < 3) {
            return 0;
        }
        int codePoints = name.codePointCount(0, name.length());
        if (codePoints <= fits) {
            return name.length();
        }
        // Cut on a code point boundary so a surrogate pair is never split.
        return name.offsetByCodePoints(0, fits - 2);
    }
}
