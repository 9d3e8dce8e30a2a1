package dev.jflame.flamegraph;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Keeps or drops whole stacks by regex, like grepping collapsed input: a stack is kept when
 * some frame matches {@code include} (if set) and no frame matches {@code exclude} (if set).
 * Patterns are searched for ({@link java.util.regex.Matcher#find()}) within each frame name.
 */
public record StackFilter(Pattern include, Pattern exclude) {

    public static StackFilter none() {
        return new StackFilter(null, null);
    }

    /**
     * Tests frame {@code index} of one stack against {@code pattern}, so that a caller holding
     * frames as name ids can remember each name's answer instead of searching it again.
     */
    interface FrameSearch {
        boolean find(Pattern pattern, int index);
    }

    public boolean keeps(List<String> frames) {
        if (include == null && exclude == null) {
            return true;
        }
        return keeps(frames.size(), (pattern, index) -> pattern.matcher(frames.get(index)).find());
    }

    /** Whether a stack of {@code size} frames is kept, its frames searched by {@code search}. */
    boolean keeps(int size, FrameSearch search) {
        return (include == null || anyMatches(include, size, search))
                && (exclude == null || !anyMatches(exclude, size, search));
    }

    /** The stacks of {@code profile} this filter keeps, with its metadata. */
    public Profile apply(Profile profile) {
        return new Profile(profile.metadata(),
                profile.stacks().stream().filter(stack -> keeps(stack.frames())).toList(),
                profile.countScale());
    }

    private static boolean anyMatches(Pattern pattern, int size, FrameSearch search) {
        for (int i = 0; i < size; i++) {
            if (search.find(pattern, i)) {
                return true;
            }
        }
        return false;
    }
}
