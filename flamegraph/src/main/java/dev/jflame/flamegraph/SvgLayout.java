package dev.jflame.flamegraph;

/**
 * Where things go in the image, in pixels: title band on top, frame rows, details line at the
 * bottom. Rows are counted from the root (depth 0); a normal flame graph grows upwards from the
 * bottom, an inverted (icicle) one downwards from the top.
 */
record SvgLayout(FlameGraphOptions options, int rows, double scaleTotal) {

    static final double SIDE_PAD = 10;

    static SvgLayout of(FrameTree tree, FlameGraphOptions options) {
        int rows = tree.isEmpty() ? 1 : tree.maxDepth() + 1;
        double scaleTotal = Math.max(tree.total(), options.total());
        return new SvgLayout(options, rows, scaleTotal);
    }

    double width() {
        return options.width();
    }

    double fontSize() {
        return options.fontSize();
    }

    double topPad() {
        return options.fontSize() * (options.subtitle() == null ? 3 : 5);
    }

    double bottomPad() {
        return options.fontSize() * 2 + 10;
    }

    double height() {
        return Math.ceil(topPad() + bottomPad() + rows * (double) options.frameHeight());
    }

    double titleY() {
        return options.fontSize() * 2;
    }

    double subtitleY() {
        return options.fontSize() * 4;
    }

    double detailsY() {
        return height() - bottomPad() / 2;
    }

    double usableWidth() {
        return width() - 2 * SIDE_PAD;
    }

    /** Pixels per count unit, 0 for an empty graph. */
    double pixelsPerCount() {
        return scaleTotal == 0 ? 0 : usableWidth() / scaleTotal;
    }

    double rowY(int depth) {
        double frameHeight = options.frameHeight();
        return options.inverted()
                ? topPad() + depth * frameHeight
                : height() - bottomPad() - (depth + 1) * frameHeight;
    }

    /** Baseline of a label inside a row, roughly centring the glyphs vertically. */
    double labelBaseline(int depth) {
        return rowY(depth) + (options.frameHeight() - 1) / 2.0 + options.fontSize() * 0.35;
    }
}
