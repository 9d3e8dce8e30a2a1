package dev.jflame.flamegraph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Numbers the distinct frame names of a profile being parsed, looked up straight from the
 * input's bytes. Large profiles repeat a few thousand names millions of times; decoding each
 * occurrence into a String just to find the shared copy would dominate the parse.
 *
 * <p>Each new name is decoded once (malformed UTF-8 replaced, see
 * {@link CollapsedLines#decode}) and, unless raw names are asked for, passed once through
 * {@link HiddenClassNames#normalize}. Ids number the names as shown: several raw names
 * ({@code lambda$17}, {@code lambda$18}, ...) may share one normalised name and so one id.
 */
final class FrameNames {

    private final boolean normalize;
    // Open addressing over the raw names; a slot holds a raw-name index + 1, 0 when free.
    private int[] slots = new int[1 << 12];
    private int rawCount;
    private int[] rawHashes = new int[1 << 11];
    private int[] rawOffsets = new int[1 << 11];
    private int[] rawLengths = new int[1 << 11];
    private int[] rawIds = new int[1 << 11];
    private byte[] rawBytes = new byte[1 << 16];
    private int rawBytesUsed;
    private final List<String> names = new ArrayList<>();
    private final Map<String, Integer> idsByName = new HashMap<>();

    FrameNames(boolean normalize) {
        this.normalize = normalize;
    }

    /** Folds one more byte into a name's hash; callers hash while they look for the name's end. */
    static int hash(int hash, byte next) {
        return 31 * hash + next;
    }

    /**
     * The id of the name in {@code bytes[start, end)}, whose {@link #hash} is {@code hash};
     * {@code bytes[end]}, if it exists, must be the input byte that followed the name.
     */
    int id(byte[] bytes, int start, int end, int hash) {
        int mask = slots.length - 1;
        int length = end - start;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            int raw = slots[slot] - 1;
            if (raw < 0) {
                return add(slot, bytes, start, end, hash);
            }
            if (rawHashes[raw] == hash && rawLengths[raw] == length
                    && Arrays.equals(rawBytes, rawOffsets[raw], rawOffsets[raw] + length, bytes, start, end)) {
                return rawIds[raw];
            }
        }
    }

    /** The id of a name already as shown, such as a {@link Stack}'s frame; it is not normalised again. */
    int id(String name) {
        Integer known = idsByName.get(name);
        if (known != null) {
            return known;
        }
        int id = names.size();
        names.add(name);
        idsByName.put(name, id);
        return id;
    }

    /** The name with {@code id}, as shown (normalised unless raw names were asked for). */
    String name(int id) {
        return names.get(id);
    }

    /** How many distinct names (as shown) there are; ids run from 0 to this, exclusive. */
    int size() {
        return names.size();
    }

    private int add(int slot, byte[] bytes, int start, int end, int hash) {
        String name = CollapsedLines.decode(bytes, start, end);
        if (normalize && HiddenClassNames.mayNeedNormalizing(name)) {
            name = HiddenClassNames.normalize(name);
        }
        int id = id(name);
        int raw = rawCount++;
        if (raw == rawIds.length) {
            int capacity = raw * 2;
            rawHashes = Arrays.copyOf(rawHashes, capacity);
            rawOffsets = Arrays.copyOf(rawOffsets, capacity);
            rawLengths = Arrays.copyOf(rawLengths, capacity);
            rawIds = Arrays.copyOf(rawIds, capacity);
        }
        int length = end - start;
        if (rawBytesUsed + length > rawBytes.length) {
            rawBytes = Arrays.copyOf(rawBytes, Math.max(rawBytes.length * 2, rawBytesUsed + length));
        }
        System.arraycopy(bytes, start, rawBytes, rawBytesUsed, length);
        rawHashes[raw] = hash;
        rawOffsets[raw] = rawBytesUsed;
        rawLengths[raw] = length;
        rawIds[raw] = id;
        rawBytesUsed += length;
        slots[slot] = raw + 1;
        if (rawCount * 2 > slots.length) {
            grow();
        }
        return id;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    private void grow() {
        slots = new int[slots.length * 2];
        int mask = slots.length - 1;
        for (int raw = 0; raw < rawCount; raw++) {
            int slot = spread(rawHashes[raw]) & mask;
            while (slots[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            slots[slot] = raw + 1;
        }
    }
}
