package dev.jflame.cli;

import dev.jflame.jvm.AgentOptions;
import dev.jflame.jvm.ByteSize;
import dev.jflame.jvm.Event;
import dev.jflame.jvm.Interval;
import dev.jflame.jvm.NativeStacks;
import dev.jflame.jvm.TimeSpan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Stack;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** How to sample: shared by every command that starts the agent. */
final class ProfilerOptions {
    @Option(names = {"-e", "--event"}, defaultValue = "cpu", paramLabel = "EVENT",
            description = "What triggers a sample: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). "
                    + "cpu = per-thread CPU clock from perf_events (exact rate; falls back to ctimer where perf "
                    + "events are refused); ctimer = per-thread CPU timers (at most one sample per kernel tick); "
                    + "itimer = one process-wide CPU timer; wall = wall-clock time of every Java thread, "
                    + "running or not, each stack ending in [running], [sleeping], [waiting] or [blocked]; "
                    + "alloc = allocations only (as --alloc); lock = monitor contention only (as --lock).")
    Event event;

    @Option(names = {"-i", "--interval"}, paramLabel = "TIME",
            converter = IntervalConverter.class,
            description = "Sampling interval, a number with a unit: ns, us, ms or s; CPU time for cpu, ctimer and itimer, "
                    + "wall-clock time for wall (default: 10ms, for wall 50ms).")
    Interval interval;

    @Option(names = "--alloc", arity = "0..1", paramLabel = "SIZE", fallbackValue = "512k",
            preprocessor = AttachedValueOnly.class, converter = SizeConverter.class,
            description = "Also record an allocation profile: one sample per SIZE bytes allocated on average "
                    + "(--alloc=SIZE, with k, m or g; default 512k), weighted in bytes and ending in the "
                    + "allocated class, e.g. [java.lang.String]. With a time event too, each kind is drawn to "
                    + "its own file: -o flame.svg gives flame.svg and flame.alloc.svg.")
    ByteSize alloc;

    @Option(names = "--live",
            description = "With --alloc: keep only the samples whose object is still reachable at the end "
                    + "(checked after a forced GC), to hunt leaks.")
    boolean live;

    @Option(names = "--lock", arity = "0..1", paramLabel = "TIME", fallbackValue = "10us",
            preprocessor = AttachedValueOnly.class, converter = ThresholdConverter.class,
            description = "Also record a lock profile: waits to enter a contended synchronized block or method "
                    + "of at least TIME (--lock=TIME; default 10us), weighted in nanoseconds and ending in the "
                    + "lock's class. java.util.concurrent locks park instead: see them in -e wall as [waiting]. "
                    + "Drawn to FILE.lock.svg next to the time event's graph.")
    Long lockNanos;

    @Option(names = "--threads", description = "Split the graph by thread: a root frame per thread, [name tid=N].")
    boolean threads;

    @Option(names = "--lines", description = "End Java frames in :LINE, the source line being executed.")
    boolean lines;

    @Option(names = "--native-stacks", defaultValue = "dwarf", paramLabel = "HOW",
            description = "Native frames (C/C++: JNI libraries, zlib, libc, the JVM's own GC and JIT) at the leaf "
                    + "of Java stacks and as the whole stack of threads without Java frames: ${COMPLETION-CANDIDATES} "
                    + "(default: ${DEFAULT-VALUE}). dwarf unwinds with the call-frame information every library "
                    + "carries; fp follows frame pointers only (cheaper, loses frames of code built without them); "
                    + "off records Java frames only.")
    NativeStacks nativeStacks;

    @Option(names = "--depth", defaultValue = "2048", paramLabel = "N",
            description = "Keep at most N frames per stack, the leaf end; deeper stacks get a [truncated] root "
                    + "(default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--checkpoint", paramLabel = "TIME", converter = CheckpointConverter.class,
            description = "While profiling, have the agent rewrite its profile every TIME (whole seconds from 1s "
                    + "to 24h, e.g. 60s or 5m), whole and atomically: if the JVM is killed without a chance to write it "
                    + "(kill -9, the OOM killer), jflame draws the last checkpoint instead of nothing.")
    Duration checkpoint;

    /** Fails with a usage error if the options cannot go together; called before any slow work. */
    void check() {
        toAgentOptions(Path.of("profile.collapsed"));
    }

    AgentOptions toAgentOptions(Path profileFile) {
        if (!event.timed() && interval != null) {
            throw new UsageError("-e " + event + " takes no --interval; give " + (event == Event.alloc
                    ? "--alloc=SIZE for its sampling interval" : "--lock=TIME for its threshold"));
        }
        try {
            return new AgentOptions(event, interval != null ? interval : event.defaultInterval(), alloc, live,
                    lockNanos != null ? lockNanos : -1, depth, threads, lines, nativeStacks, checkpoint, profileFile);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /**
     * {@code --alloc} and {@code --lock} take their value only as {@code --alloc=SIZE}: a
     * separate word after them is the next argument (the app's jar, a PID), never their value.
     */
    static final class AttachedValueOnly implements IParameterPreprocessor {
        @Override
        public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec,
                                  Map<String, Object> info) {
            if (" ".equals(info.get("separator"))) {
                args.push(((OptionSpec) argSpec).fallbackValue());
            }
            return false;
        }
    }

    static final class SizeConverter implements ITypeConverter<ByteSize> {
        @Override
        public ByteSize convert(String value) {
            try {
                return ByteSize.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code 30s}, {@code 5m}, {@code 1h}: the one time grammar ({@link TimeSpan}), whole seconds for the agent. */
    static final class CheckpointConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            long nanos;
            try {
                nanos = TimeSpan.parseNanos(value, "checkpoint");
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            Duration d = Duration.ofNanos(nanos);
            if (nanos % 1_000_000_000L != 0 || d.compareTo(AgentOptions.MIN_CHECKPOINT) < 0
                    || d.compareTo(AgentOptions.MAX_CHECKPOINT) > 0) {
                throw new TypeConversionException("checkpoint must be whole seconds from 1s to 24h (e.g. 60s or 5m), "
                        + "got '" + value + "'");
            }
            return d;
        }
    }

    static final class ThresholdConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                long nanos = Interval.parseNanos(value);
                if (nanos > 60_000_000_000L) {
                    throw new TypeConversionException("lock threshold must be at most 60s, got " + value);
                }
                return nanos;
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage().replace("interval", "lock threshold"));
            }
        }
    }
}
