package dev.jflame.flamegraph;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Builds every {@link FrameTree}, shaped by {@link FlameGraphOptions}' reverse, flamechart,
 * include and exclude settings: straight from parsed lines, without holding the profile's
 * stacks (the parser hands over each line's frames as {@link FrameNames} ids), or from the
 * stacks of a {@link Profile} or {@link DiffProfile} ({@link FrameTree#of}).
 *
 * <p>Children are found by (parent, name id) in one open-addressing table of primitive keys,
 * so a step down the tree costs a hash probe, not string comparisons or a map per frame.
 * Include and exclude patterns run once per distinct name, not once per frame.
 */
final class FrameTreeBuilder {

    private static final byte UNKNOWN = 0;
    private static final byte MATCHES = 1;
    private static final byte DIFFERS = 2;

    private final boolean reverse;
    private final boolean flamechart;
    private final boolean differential;
    private final StackFilter filter;
    private byte[] includeMatches = new byte[0];
    private byte[] excludeMatches = new byte[0];

    // Frame number n (the root is 0) has name id nameIds[n] under parents[n]; its counts are
    // kept in arrays, and Frame objects made only at the end, so a step down the tree touches
    // two arrays instead of a graph of objects.
    private int[] nameIds = new int[1 << 12];
    private int[] parents = new int[1 << 12];
    private long[] totals = new long[1 << 12];
    private long[] selfs = new long[1 << 12];
    // Differential trees only: each frame's "before" samples and changes (see Frame#delta()).
    private long[] befores;
    private long[] deltas;
    private long[] selfDeltas;
    // Flame charts only: the number of each frame's last child, -1 for none.
    private int[] lastChildren;
    private int frameCount = 1;
    // (parent number << 32 | name id) -> child number + 1; 0 marks a free slot.
    private long[] childKeys = new long[1 << 13];
    private int[] childNumbers = new int[1 << 13];
    private final FrameNames names;
    // Profile stacks only: one stack's frames as name ids, reused stack after stack.
    private int[] stackIds = new int[64];

    private long grandTotal;
    private int scale;
    private int maxDepth;
    private long stacks;

    /** A builder for parsed lines, whose count scale grows with the decimals it meets. */
    FrameTreeBuilder(FrameNames names, FlameGraphOptions shape) {
        this(names, shape, 0, false);
    }

    /** A builder for a profile's stacks, whose counts have {@code countScale}. */
    FrameTreeBuilder(FrameNames names, FlameGraphOptions shape, int countScale, boolean differential) {
        this.names = names;
        this.reverse = shape.reverse();
        this.flamechart = shape.flamechart();
        this.differential = differential;
        this.filter = shape.stackFilter();
        this.scale = countScale;
        nameIds[0] = -1;
        parents[0] = -1;
        if (differential) {
            befores = new long[nameIds.length];
            deltas = new long[nameIds.length];
            selfDeltas = new long[nameIds.length];
        }
        if (flamechart) {
            lastChildren = new int[nameIds.length];
            Arrays.fill(lastChildren, -1);
        }
    }

    /**
     * Adds one line's frames and count, unless the include/exclude patterns drop the stack.
     *
     * @throws ArithmeticException if the profile's total no longer fits in a long; nothing is
     *                             added then, though the count scale may have grown
     */
    void add(LineFrames line, DecimalCount count) {
        if (count.scale() > scale) {
            long factor = DecimalCount.powerOfTen(count.scale() - scale);
            grandTotal = Math.multiplyExact(grandTotal, factor);
            for (int i = 0; i < frameCount; i++) {
                totals[i] *= factor;
                selfs[i] *= factor;
            }
            scale = count.scale();
        }
        long value = count.at(scale);
        grandTotal = Math.addExact(grandTotal, value);
        stacks++;
        if (keeps(line)) {
            addKept(line.ids(), line.size(), value, 0, 0);
        }
    }

    /**
     * Adds one stack of a profile, unless the include/exclude patterns drop it: {@code count}
     * decides the widths; {@code before} and {@code delta} (after minus before) are kept for a
     * differential tree.
     *
     * @throws ArithmeticException if a frame's count no longer fits in a long
     */
    void add(List<String> frames, long count, long before, long delta) {
        if (!filter.keeps(frames)) {
            return;
        }
        if (stackIds.length < frames.size()) {
            stackIds = new int[Math.max(frames.size(), stackIds.length * 2)];
        }
        for (int i = 0; i < frames.size(); i++) {
            stackIds[i] = names.id(frames.get(i));
        }
        addKept(stackIds, frames.size(), count, before, delta);
    }

    private void addKept(int[] ids, int size, long count, long before, long delta) {
        int node = 0;
        addTo(node, count, before, delta);
        for (int i = 0; i < size; i++) {
            int nameId = ids[reverse ? size - 1 - i : i];
            node = flamechart ? adjacentChild(node, nameId) : mergedChild(node, nameId);
            addTo(node, count, before, delta);
        }
        selfs[node] = Math.addExact(selfs[node], count);
        if (differential) {
            selfDeltas[node] = Math.addExact(selfDeltas[node], delta);
        }
        maxDepth = Math.max(maxDepth, size);
    }

    private void addTo(int node, long count, long before, long delta) {
        totals[node] = Math.addExact(totals[node], count);
        if (differential) {
            befores[node] = Math.addExact(befores[node], before);
            deltas[node] = Math.addExact(deltas[node], delta);
        }
    }

    /** Lines added so far, including those include/exclude dropped. */
    long stacks() {
        return stacks;
    }

    FrameTree finish() {
        Frame[] frames = new Frame[frameCount];
        frames[0] = new Frame(FrameTree.ROOT_NAME);
        // Parents are numbered before their children, and siblings in the order they appeared.
        for (int i = 0; i < frameCount; i++) {
            if (i > 0) {
                frames[i] = frames[parents[i]].newChild(names.name(nameIds[i]));
            }
            frames[i].addTotal(totals[i]);
            frames[i].addSelf(selfs[i], differential ? selfDeltas[i] : 0);
            if (differential) {
                frames[i].add(0, befores[i], deltas[i]);
            }
        }
        return FrameTree.frozen(frames[0], maxDepth, scale, differential, !flamechart);
    }

    private int mergedChild(int parent, int nameId) {
        long key = ((long) parent << 32) | nameId;
        int mask = childKeys.length - 1;
        for (int slot = slot(key, mask); ; slot = (slot + 1) & mask) {
            int child = childNumbers[slot] - 1;
            if (child < 0) {
                child = newFrame(parent, nameId);
                childKeys[slot] = key;
                childNumbers[slot] = child + 1;
                if (frameCount * 2 > childKeys.length) {
                    growChildTable();
                }
                return child;
            }
            if (childKeys[slot] == key) {
                return child;
            }
        }
    }

    private int adjacentChild(int parent, int nameId) {
        int last = lastChildren[parent];
        if (last >= 0 && nameIds[last] == nameId) {
            return last;
        }
        int child = newFrame(parent, nameId);
        lastChildren[parent] = child;
        return child;
    }

    private int newFrame(int parent, int nameId) {
        if (frameCount == nameIds.length) {
            int capacity = frameCount * 2;
            nameIds = Arrays.copyOf(nameIds, capacity);
            parents = Arrays.copyOf(parents, capacity);
            totals = Arrays.copyOf(totals, capacity);
            selfs = Arrays.copyOf(selfs, capacity);
            if (differential) {
                befores = Arrays.copyOf(befores, capacity);
                deltas = Arrays.copyOf(deltas, capacity);
                selfDeltas = Arrays.copyOf(selfDeltas, capacity);
            }
            if (lastChildren != null) {
                lastChildren = Arrays.copyOf(lastChildren, capacity);
                Arrays.fill(lastChildren, frameCount, capacity, -1);
            }
        }
        int number = frameCount++;
        nameIds[number] = nameId;
        parents[number] = parent;
        return number;
    }

    private static int slot(long key, int mask) {
        long mixed = key * 0x9E3779B97F4A7C15L;
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }

    private void growChildTable() {
        long[] oldKeys = childKeys;
        int[] oldNumbers = childNumbers;
        childKeys = new long[oldKeys.length * 2];
        childNumbers = new int[oldKeys.length * 2];
        int mask = childKeys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldNumbers[i] != 0) {
                int slot = slot(oldKeys[i], mask);
                while (childNumbers[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                childKeys[slot] = oldKeys[i];
                childNumbers[slot] = oldNumbers[i];
            }
        }
    }

    private boolean keeps(LineFrames line) {
        if (filter.include() == null && filter.exclude() == null) {
            return true;
        }
        int names = line.names().size();
        if (includeMatches.length < names) {
            includeMatches = Arrays.copyOf(includeMatches, Math.max(names, includeMatches.length * 2));
            excludeMatches = Arrays.copyOf(excludeMatches, includeMatches.length);
        }
        return filter.keeps(line.size(), (pattern, index) -> matches(line, index, pattern == filter.include()));
    }

    /** Whether frame {@code index} of {@code line} matches include (or exclude), each name searched once. */
    private boolean matches(LineFrames line, int index, boolean forInclude) {
        byte[] known = forInclude ? includeMatches : excludeMatches;
        int id = line.id(index);
        if (known[id] == UNKNOWN) {
            Pattern pattern = forInclude ? filter.include() : filter.exclude();
            known[id] = pattern.matcher(line.name(index)).find() ? MATCHES : DIFFERS;
        }
        return known[id] == MATCHES;
    }
}
