package dev.jflame.flamegraph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A collapsed profile read straight into its flame graph tree
 * ({@link CollapsedParser#parseTree}): the {@code # key: value} metadata in file order, the
 * tree, and how many stack lines the input held (before include/exclude dropped any).
 */
public record TreeProfile(Map<String, String> metadata, FrameTree tree, long stackLines) {

    public TreeProfile {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
        Objects.requireNonNull(tree, "tree");
    }

    /** The metadata value for {@code key} (as written after {@code # key:}), if present. */
    public Optional<String> meta(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /** Whether the input held no stack lines at all. */
    public boolean isEmpty() {
        return stackLines == 0;
    }
}
