package dev.jflame.flamegraph;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One box of a flame graph: a frame name reached along one path from the root.
 *
 * <p>{@link #total()} counts every sample whose stack passes through this box (it decides the
 * width), {@link #self()} those where it is the leaf. In a differential tree {@link #before()}
 * and {@link #after()} are the frame's samples in each profile, and {@link #delta()} and
 * {@link #selfDelta()} the changes from "before" to "after"; elsewhere they are 0.
 * Frames are built with their {@link FrameTree} and read-only afterwards.
 */
public final class Frame {

    private static final Frame[] NO_CHILDREN = new Frame[0];

    private final String name;
    private long total;
    private long self;
    private long before;
    private long delta;
    private long selfDelta;
    // A plain array: trees of large profiles have millions of frames, most with 0 or 1 child,
    // and per-frame collection objects would dominate memory and GC time.
    private Frame[] children = NO_CHILDREN;
    private int childCount;

    Frame(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public long total() {
        return total;
    }

    public long self() {
        return self;
    }

    /** Samples through this frame in the "before" profile (differential trees; 0 elsewhere). */
    public long before() {
        return before;
    }

    /** Samples through this frame in the "after" profile (differential trees; 0 elsewhere). */
    public long after() {
        return before + delta;
    }

    /** Change of the frame's samples, {@link #after()} minus {@link #before()} (differential trees). */
    public long delta() {
        return delta;
    }

    /** Change of {@link #self()}, after minus before (differential trees). */
    public long selfDelta() {
        return selfDelta;
    }

    /** Children in display order: alphabetical by name, or input order in a flame chart. */
    public List<Frame> children() {
        return childCount == 0 ? List.of() : Collections.unmodifiableList(Arrays.asList(children));
    }

    /** The kind of code this frame names, derived from the name. */
    public FrameKind kind() {
        return FrameKind.of(name);
    }

    void add(long count, long countBefore, long countDelta) {
        total = Math.addExact(total, count);
        before = Math.addExact(before, countBefore);
        delta = Math.addExact(delta, countDelta);
    }

    /** Adds to {@link #total()} unchecked: the caller has checked the grand total, which bounds every frame's. */
    void addTotal(long count) {
        total += count;
    }

    void addSelf(long count, long countDelta) {
        self = Math.addExact(self, count);
        selfDelta = Math.addExact(selfDelta, countDelta);
    }

    /** A new last child, whatever the names of the others (the builder has looked for it already). */
    Frame newChild(String childName) {
        if (childCount == children.length) {
            children = Arrays.copyOf(children, Math.max(1, childCount * 2));
        }
        Frame child = new Frame(childName);
        children[childCount++] = child;
        return child;
    }

    /**
     * Fixes the child order (alphabetical for merged trees, insertion order for flame charts)
     * and trims the child array to size.
     */
    void freeze(boolean alphabetical) {
        if (childCount != children.length) {
            children = Arrays.copyOf(children, childCount);
        }
        if (alphabetical && childCount > 1) {
            Arrays.sort(children, (a, b) -> a.name.compareTo(b.name));
        }
    }

    @Override
    public String toString() {
        return name + " (total " + total + ", self " + self + ", " + childCount + " children)";
    }
}
