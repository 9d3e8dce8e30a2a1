package dev.jflame.flamegraph;

/**
 * Colours of a differential flame graph: red where a frame's own samples grew, blue where they
 * shrank, the intensity proportional to the change relative to the largest such change in the
 * graph, and near-white where nothing changed.
 */
final class DiffColors {

    private static final int PALE = 250;

    private DiffColors() {
    }

    /** @param largestChange the greatest |delta| among the frames, or 0 if none changed */
    static Rgb color(long delta, long largestChange) {
        if (delta == 0 || largestChange == 0) {
            return new Rgb(PALE, PALE, PALE);
        }
        double intensity = Math.min(1.0, Math.abs((double) delta) / largestChange);
        int faded = (int) Math.round(PALE * (1 - intensity));
        return delta > 0 ? new Rgb(255, faded, faded) : new Rgb(faded, faded, 255);
    }
}
