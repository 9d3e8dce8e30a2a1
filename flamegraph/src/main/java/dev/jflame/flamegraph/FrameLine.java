package dev.jflame.flamegraph;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A frame name split at its {@code :LINE} suffix, which jflame's agent appends to Java frames
 * with the {@code lines} option: {@code pkg.Class.method:42} is {@code pkg.Class.method} at line
 * 42. A name without a suffix is the whole function, at line 0.
 */
public record FrameLine(String function, long line) {
    // A name must precede the colon, so ":12" stays a name. At most nine digits: class files
    // store lines as u2, and a longer run is part of a name, never a line that overflows a parse.
    private static final Pattern SUFFIX = Pattern.compile("^(.+):(\\d{1,9})$");

    public static FrameLine of(String frame) {
        Matcher m = SUFFIX.matcher(frame);
        return m.matches() ? new FrameLine(m.group(1), Long.parseLong(m.group(2))) : new FrameLine(frame, 0);
    }
}
