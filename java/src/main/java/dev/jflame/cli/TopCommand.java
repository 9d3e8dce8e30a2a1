package dev.jflame.cli;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.Profile;
import dev.jflame.interop.JfrEvent;
import dev.jflame.interop.JfrRecording;
import dev.jflame.interop.RecordingTime;
import dev.jflame.jvm.Event;
import dev.jflame.jvm.Interval;
import dev.jflame.report.MethodTable;
import dev.jflame.report.TableFormat;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jflame top}: the top methods of a profile as a table, like the classic profilers' report;
 * given a PID, the live view of a running JVM ({@link LiveTop}).
 */
@Command(
        name = "top",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Print the hottest methods of a profile, or of a running JVM live.",
        description = {
            "For a profile (collapsed stacks, plain or compressed, or a JFR recording): a table of self samples (the "
                    + "method was executing), total samples (it was anywhere on the stack; recursion counts once per "
                    + "stack), and their shares of all samples.",
            "",
            "  jflame top profile.collapsed",
            "  jflame top --sort total -n 50 --format csv profile.collapsed",
            "  jflame top --from 14:03:00 --to 14:03:20 app.jfr",
            "",
            "Given a PID, a live view of a running JVM, refreshed every --refresh: the hottest functions over the "
                    + "last window and since the start, samples, the JVM's CPU and the agent's own cost. On a "
                    + "terminal it is full-screen; keys: q or Ctrl-C quit, s sort (self, total, name), t group by "
                    + "thread, p pause, / filter rows by regex, r reset the totals. Otherwise (or with --once) it "
                    + "prints plain tables.",
            "",
            "  jflame top PID",
            "  jflame top PID --once > top.txt",
            "",
            "If the JVM is not being profiled, top starts a profile (-e, -i) and stops it on exit, leaving the JVM "
                    + "as 'jflame attach PID stop' does. If it is (run, attach, another top), top reads the live "
                    + "counts of that profile and leaves it running. Each refresh is one request over the attach "
                    + "channel: the agent sends only the stacks counted since top's previous request.",
        },
        footerHeading = "%nExit codes:%n",
        footer = "  0 success, 1 a runtime failure, 2 a usage error (see jflame --help).")
final class TopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROFILE|PID",
            description = "Collapsed stacks file, or - for stdin, or a JFR recording; or the process id of a running JVM.")
    String input;

    @Option(names = "--refresh", paramLabel = "TIME", converter = AttachCommand.DurationConverter.class,
            description = "PID: the length of a window, how often the view refreshes (default: 1s).")
    Interval refresh;

    @Option(names = "--once", description = "PID: print one plain table after the first window and exit.")
    boolean once;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME", converter = AttachCommand.DurationConverter.class,
            description = "PID: end after TIME (default: until q or Ctrl-C).")
    Interval duration;

    @Option(names = {"-e", "--event"}, paramLabel = "EVENT",
            description = "PID, when top starts the profile: cpu, ctimer, itimer or wall (default: cpu). "
                    + "A JFR recording: the events to read, cpu, wall, alloc or lock (as for convert; default: cpu).")
    String event;

    @Option(names = "--from", paramLabel = "TIME", converter = ConvertCommand.RecordingTimeConverter.class,
            description = "JFR only: leave out events before TIME (10s, -30s, 14:03:00; as for convert).")
    RecordingTime from;

    @Option(names = "--to", paramLabel = "TIME", converter = ConvertCommand.RecordingTimeConverter.class,
            description = "JFR only: leave out events after TIME.")
    RecordingTime to;

    @Option(names = {"-i", "--interval"}, paramLabel = "TIME", converter = IntervalConverter.class,
            description = "PID, when top starts the profile: the sampling interval (default: 10ms, wall 50ms).")
    Interval interval;

    @Option(names = "--sort", defaultValue = "self", paramLabel = "KEY",
            description = "Sort by ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    MethodTable.Order sort;

    @Option(names = {"-n", "--limit"}, defaultValue = "20", paramLabel = "N",
            description = "Show the top N rows (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--lines", description = "A row per source line, where the profile has lines (recorded with --lines).")
    boolean lines;

    @Option(names = "--threads", description = "A row per thread and method (the profile must be recorded with --threads).")
    boolean threads;

    @Option(names = "--skip-bad-lines",
            description = "Collapsed input: skip malformed lines instead of failing on the first; they are counted "
                    + "on stderr.")
    boolean skipBadLines;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    TableFormat format;

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw new UsageError("-n must be at least 1, got " + limit);
        }
        if (skipBadLines && input.matches("[0-9]+") && !Files.exists(Path.of(input))) {
            throw new UsageError("--skip-bad-lines is for a collapsed stacks file, not top PID");
        }
        if (input.matches("[0-9]+") && !Files.exists(Path.of(input))) {
            return live();
        }
        if (refresh != null || once || duration != null || interval != null) {
            throw new ParameterException(spec.commandLine(),
                    "--refresh, --once, --duration and -i are for a running JVM (top PID), not a profile file");
        }
        Profile profile;
        Path file = Path.of(input);
        if (!"-".equals(input) && Files.isRegularFile(file) && JfrRecording.isRecording(file)) {
            JfrRecording recording = JfrRecording.of(file);
            JfrEvent events = event == null ? null : parseEnum(JfrEvent.class, event, "-e for a JFR recording");
            // --threads needs the [thread] root frames, which the recording's events carry.
            profile = recording.toProfile(ConvertCommand.selection(recording, events, threads, from, to),
                    new CollapsedParser());
            if (profile.isEmpty()) {
                throw new UserError(input + " holds no " + (events != null ? events : JfrEvent.cpu) + " samples"
                        + (from != null || to != null ? " in the time range" : ""));
            }
        } else if (event != null || from != null || to != null) {
            throw new ParameterException(spec.commandLine(),
                    "-e, --from and --to apply to JFR recordings and to top PID; " + input + " holds collapsed stacks");
        } else {
            profile = ProfileInput.read(input, new CollapsedParser(), skipBadLines, spec.commandLine().getErr());
        }
        MethodTable table;
        try {
            table = MethodTable.of(profile, lines, threads);
        } catch (IllegalArgumentException e) {
            throw new UserError(input + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        format.write(table, table.top(sort, limit), profile.meta("units").orElse("samples"), threads, out);
        out.flush();
        return ExitCodes.OK;
    }

    private int live() throws Exception {
        if (from != null || to != null) {
            throw new ParameterException(spec.commandLine(), "--from and --to are for a JFR recording, not top PID");
        }
        Event sampled = event == null ? Event.cpu : parseEnum(Event.class, event, "-e for top PID");
        if (!sampled.timed()) {
            throw new ParameterException(spec.commandLine(), "top PID shows a time profile: -e cpu, ctimer, itimer "
                    + "or wall, not " + sampled);
        }
        if (lines) {
            throw new ParameterException(spec.commandLine(), "--lines is for a profile file, not top PID");
        }
        LiveTop.Settings settings = new LiveTop.Settings(Long.parseLong(input), sampled,
                interval == null ? sampled.defaultInterval() : interval,
                refresh == null ? Interval.parse("1s") : refresh, duration, once, sort, threads, limit, format);
        return new LiveTop(settings, spec.commandLine().getOut(), spec.commandLine().getErr()).run();
    }

    /** -e means a JVM's event for top PID and a recording's event kind for JFR: checked per use. */
    private <E extends Enum<E>> E parseEnum(Class<E> type, String value, String what) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(value)) {
                return constant;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name());
        }
        throw new ParameterException(spec.commandLine(), "invalid value '" + value + "' of " + what + ": expected one of "
                + allowed);
    }
}
