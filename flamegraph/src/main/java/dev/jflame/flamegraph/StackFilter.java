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

    public boolean keeps(List<String> frames) {
        if (include == null && exclude == null) {
            return true;
        }
        return (include == null || anyMatches(include, frames)) && (exclude == null || !anyMatches(exclude, frames));
    }

    /** The stacks of {@code profile} this filter keeps, with its metadata. */
    public Profile apply(Profile profile) {
        return new Profile(profile.metadata(),
                profile.stacks().stream().filter(stack -> keeps(stack.frames())).toList(),
                profile.countScale());
    }

    private static boolean anyMatches(Pattern pattern, List<String> frames) {
        for (String frame : frames) {
            if (pattern.matcher(frame).find()) {
                return true;
            }
        }
        return false;
    }
}
