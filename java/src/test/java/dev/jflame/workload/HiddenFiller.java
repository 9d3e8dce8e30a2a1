package dev.jflame.workload;

/** The template of AttachTarget's hidden classes: a few methods, for method ids to be made for. */
final class HiddenFiller {
    private int value;

    int get() {
        return value;
    }

    void set(int v) {
        value = v;
    }

    int twice() {
        return value * 2;
    }

    @Override
    public String toString() {
        return "filler " + value;
    }
}
