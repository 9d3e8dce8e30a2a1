package dev.jflame.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings the CLI hands to the native agent, rendered in the agent's grammar:
 * comma-separated {@code key=value} pairs and bare flags, where a list inside a value is
 * joined with {@code +}. A path containing a comma cannot be passed, so it is refused here.
 */
public record AgentOptions(Event event, Interval interval, int depth, boolean threads, boolean lines, Path file) {
    public static final int DEFAULT_DEPTH = 2048;
    public static final int MAX_DEPTH = 65536;

    public AgentOptions {
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth must be between 1 and " + MAX_DEPTH + ", got " + depth);
        }
    }

    public String toAgentArgument() {
        String path = file.toAbsolutePath().toString();
        if (path.contains(",")) {
            throw new IllegalArgumentException("the profile path may not contain a comma: " + path);
        }
        List<String> parts = new ArrayList<>();
        parts.add("event=" + event.name());
        parts.add("interval=" + interval.toAgentValue());
        parts.add("depth=" + depth);
        if (threads) {
            parts.add("threads");
        }
        if (lines) {
            parts.add("lines");
        }
        parts.add("file=" + path.replace("%", "%%"));
        return String.join(",", parts);
    }
}
