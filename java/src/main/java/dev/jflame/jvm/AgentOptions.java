package dev.jflame.jvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings the CLI hands to the native agent, rendered in the agent's grammar:
 * comma-separated {@code key=value} pairs and bare flags, where a list inside a value is
 * joined with {@code +}. A path containing a comma cannot be passed, so it is refused here.
 *
 * <p>{@code event} is a time source (with {@code interval}) or {@code alloc}/{@code lock}
 * alone; {@code alloc} (a size, or null) and {@code lockNanos} (a threshold, or negative)
 * add those profiles. With more than one kind the agent writes one file per kind, named by
 * {@link #kindFile}. {@code checkpoint} (or null) makes the agent rewrite its files that often
 * while it profiles, so that a JVM killed without a chance to write them leaves the last one.
 */
public record AgentOptions(Event event, Interval interval, ByteSize alloc, boolean live, long lockNanos, int depth,
                           boolean threads, boolean lines, NativeStacks nativeStacks, Duration checkpoint, Path file) {
    public static final Duration MIN_CHECKPOINT = Duration.ofSeconds(1);
    public static final Duration MAX_CHECKPOINT = Duration.ofHours(24);
    public static final int DEFAULT_DEPTH = 2048;
    public static final int MAX_DEPTH = 65536;
    public static final long DEFAULT_LOCK_NANOS = 10_000;

    public AgentOptions {
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth must be between 1 and " + MAX_DEPTH + ", got " + depth);
        }
        if (nativeStacks == null) {
            nativeStacks = NativeStacks.dwarf;
        }
        if (event == Event.alloc && alloc == null) {
            alloc = ByteSize.DEFAULT_ALLOC;
        }
        if (event == Event.lock && lockNanos < 0) {
            lockNanos = DEFAULT_LOCK_NANOS;
        }
        if (live && alloc == null) {
            throw new IllegalArgumentException("--live needs an allocation profile (--alloc or -e alloc)");
        }
        if (checkpoint != null && (checkpoint.compareTo(MIN_CHECKPOINT) < 0 || checkpoint.compareTo(MAX_CHECKPOINT) > 0
                || checkpoint.toMillis() % 1000 != 0)) {
            throw new IllegalArgumentException("checkpoint must be whole seconds from 1s to 24h, got " + checkpoint);
        }
    }

    /** A time-event profile only. */
    public AgentOptions(Event event, Interval interval, int depth, boolean threads, boolean lines, Path file) {
        this(event, interval, null, false, -1, depth, threads, lines, NativeStacks.dwarf, null, file);
    }

    /** The profiles recorded, in the agent's order: the time event's name, alloc, lock. */
    public List<String> kinds() {
        List<String> kinds = new ArrayList<>();
        if (event.timed()) {
            kinds.add(event.name());
        }
        if (alloc != null) {
            kinds.add(Event.alloc.name());
        }
        if (lockNanos >= 0) {
            kinds.add(Event.lock.name());
        }
        return kinds;
    }

    /**
     * Where one kind of several goes, as the agent names it: {@code out.collapsed} and
     * {@code alloc} give {@code out.alloc.collapsed}; a name without extension gets
     * {@code .alloc} appended.
     */
    public static Path kindFile(Path file, String kind) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String named = dot <= 0 ? name + "." + kind : name.substring(0, dot) + "." + kind + name.substring(dot);
        return file.resolveSibling(named);
    }

    public String toAgentArgument() {
        String path = file.toAbsolutePath().toString();
        if (path.contains(",")) {
            throw new IllegalArgumentException("the profile path may not contain a comma: " + path);
        }
        List<String> parts = new ArrayList<>();
        parts.add("event=" + event.name());
        if (event.timed()) {
            parts.add("interval=" + interval.toAgentValue());
        }
        if (alloc != null) {
            parts.add("alloc=" + alloc.bytes());
        }
        if (live) {
            parts.add("live");
        }
        if (lockNanos >= 0) {
            parts.add("lock=" + lockNanos + "ns");
        }
        parts.add("depth=" + depth);
        if (threads) {
            parts.add("threads");
        }
        if (lines) {
            parts.add("lines");
        }
        if (nativeStacks != NativeStacks.dwarf) {
            parts.add("nativestacks=" + nativeStacks.name());
        }
        if (checkpoint != null) {
            parts.add("checkpoint=" + checkpoint.toSeconds() + "s");
        }
        parts.add("file=" + path.replace("%", "%%"));
        return String.join(",", parts);
    }
}
