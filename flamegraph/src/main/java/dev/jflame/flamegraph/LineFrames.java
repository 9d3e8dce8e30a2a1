package dev.jflame.flamegraph;

import java.util.Arrays;
import java.util.List;

/**
 * The frames of one collapsed line as {@link FrameNames} ids, root first; one instance is
 * reused line after line, so splitting a line allocates nothing once its names are known.
 */
final class LineFrames {

    private final FrameNames names;
    private int[] ids = new int[64];
    private int size;

    LineFrames(FrameNames names) {
        this.names = names;
    }

    /**
     * Splits {@code bytes[start, end)} on ';' (at least one frame, possibly empty);
     * {@code bytes[end]} must be the input byte that followed.
     */
    void split(byte[] bytes, int start, int end) {
        size = 0;
        int frameStart = start;
        int hash = 0;
        for (int i = start; i < end; i++) {
            byte b = bytes[i];
            if (b == ';') {
                append(names.id(bytes, frameStart, i, hash));
                frameStart = i + 1;
                hash = 0;
            } else {
                hash = FrameNames.hash(hash, b);
            }
        }
        append(names.id(bytes, frameStart, end, hash));
    }

    private void append(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
    }

    int size() {
        return size;
    }

    int id(int index) {
        return ids[index];
    }

    /** The ids, root first; only the first {@link #size()} belong to this line. */
    int[] ids() {
        return ids;
    }

    String name(int index) {
        return names.name(ids[index]);
    }

    FrameNames names() {
        return names;
    }

    /** The frames as names, for the stack-by-stack {@link Profile}. */
    List<String> toList() {
        String[] frames = new String[size];
        for (int i = 0; i < size; i++) {
            frames[i] = names.name(ids[i]);
        }
        return List.of(frames);
    }
}
