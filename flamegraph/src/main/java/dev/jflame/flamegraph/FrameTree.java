package dev.jflame.flamegraph;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The merged call tree a flame graph draws: a synthetic root named {@value #ROOT_NAME} whose
 * descendants are the profile's frames.
 *
 * <p>By default siblings with the same name are merged and ordered alphabetically, like
 * flamegraph.pl. {@link FlameGraphOptions} can instead merge stacks from the leaf
 * ({@code reverse}), keep input order and merge only adjacent equal frames ({@code flamechart};
 * parse with {@link CollapsedParser#keepingEveryLine()} so repeated stacks keep their places),
 * or keep/drop stacks by regex ({@code include}/{@code exclude}). A tree built from a
 * {@link DiffProfile} also carries each frame's change ({@link Frame#delta()}).
 */
public final class FrameTree {

    public static final String ROOT_NAME = "all";

    private final Frame root;
    private final int maxDepth;
    private final int countScale;
    private final boolean differential;

    private FrameTree(Frame root, int maxDepth, int countScale, boolean differential) {
        this.root = root;
        this.maxDepth = maxDepth;
        this.countScale = countScale;
        this.differential = differential;
    }

    /** The default flame graph tree: merged from the root, alphabetical, nothing filtered. */
    public static FrameTree of(Profile profile) {
        return of(profile, FlameGraphOptions.defaults());
    }

    /** A tree shaped by {@code options}' reverse, flamechart, include and exclude settings. */
    public static FrameTree of(Profile profile, FlameGraphOptions options) {
        FrameTreeBuilder builder = new FrameTreeBuilder(new FrameNames(false), options, profile.countScale(), false);
        for (Stack stack : profile.stacks()) {
            builder.add(stack.frames(), stack.count(), 0, 0);
        }
        return builder.finish();
    }

    /**
     * A differential tree: widths from the "after" counts (or "before" when
     * {@link FlameGraphOptions#diffWidthsFromBefore()}; a stack with no samples on that side is
     * sized by the other, so it is not lost), each frame's {@link Frame#delta()} being after
     * minus before.
     */
    public static FrameTree of(DiffProfile profile, FlameGraphOptions options) {
        FrameTreeBuilder builder = new FrameTreeBuilder(new FrameNames(false), options, profile.countScale(), true);
        for (DiffStack stack : profile.stacks()) {
            long preferred = options.diffWidthsFromBefore() ? stack.before() : stack.after();
            long other = options.diffWidthsFromBefore() ? stack.after() : stack.before();
            // A stack missing on the sized side keeps the other side's width, so that what
            // disappeared (or appeared) is still drawn, in full blue (or red).
            long width = preferred > 0 ? preferred : other;
            builder.add(stack.frames(), width, stack.before(), Math.subtractExact(stack.after(), stack.before()));
        }
        return builder.finish();
    }

    public Frame root() {
        return root;
    }

    /** Total count under the root, in {@link #countScale()} units. */
    public long total() {
        return root.total();
    }

    /** Depth of the deepest frame; the root is depth 0, so a tree of one-frame stacks has 1. */
    public int maxDepth() {
        return maxDepth;
    }

    /** See {@link Profile#countScale()}. */
    public int countScale() {
        return countScale;
    }

    /** Whether frames carry a before/after {@link Frame#delta()}. */
    public boolean differential() {
        return differential;
    }

    public boolean isEmpty() {
        return root.total() == 0 && root.children().isEmpty();
    }

    /** The tree under {@code root}, once every frame's children are put in display order. */
    static FrameTree frozen(Frame root, int maxDepth, int countScale, boolean differential, boolean alphabetical) {
        // Iterative: stacks from deep recursion can be thousands of frames deep.
        Deque<Frame> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            Frame frame = pending.pop();
            frame.freeze(alphabetical);
            for (Frame child : frame.children()) {
                pending.push(child);
            }
        }
        return new FrameTree(root, maxDepth, countScale, differential);
    }
}
