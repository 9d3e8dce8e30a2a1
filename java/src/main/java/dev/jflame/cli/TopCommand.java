package dev.jflame.cli;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.Profile;
import dev.jflame.interop.JfrEvent;
import dev.jflame.interop.JfrRecording;
import dev.jflame.interop.RecordingTime;
import dev.jflame.report.MethodTable;
import dev.jflame.report.TableFormat;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jflame top}: the top methods of a profile as a table, like the classic profilers' report. */
@Command(
        name = "top",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Print the top methods of a profile (collapsed stacks, plain or gzip, or a JFR recording, whose",
            "events --event, --from and --to choose): self samples (the method was",
            "executing), total samples (it was anywhere on the stack; recursion counts once per stack), and",
            "their shares of all samples.",
            "",
            "  jflame top profile.collapsed",
            "  jflame top --sort total -n 50 --format csv profile.collapsed",
            "  jflame top --from 14:03:00 --to 14:03:20 app.jfr",
        })
final class TopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROFILE", description = "Collapsed stacks or a JFR recording.")
    String input;

    @Option(names = "--event", paramLabel = "EVENT",
            description = "JFR only: cpu, wall, alloc or lock (as for convert). Default: cpu.")
    JfrEvent event;

    @Option(names = "--from", paramLabel = "TIME", converter = ConvertCommand.RecordingTimeConverter.class,
            description = "JFR only: leave out events before TIME (10s, -30s, 14:03:00; as for convert).")
    RecordingTime from;

    @Option(names = "--to", paramLabel = "TIME", converter = ConvertCommand.RecordingTimeConverter.class,
            description = "JFR only: leave out events after TIME.")
    RecordingTime to;

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

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    TableFormat format;

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw new UserError("-n must be at least 1, got " + limit);
        }
        Profile profile;
        Path file = Path.of(input);
        if (!"-".equals(input) && Files.isRegularFile(file) && JfrRecording.isRecording(file)) {
            JfrRecording recording = JfrRecording.of(file);
            // --threads needs the [thread] root frames, which the recording's events carry.
            profile = recording.toProfile(ConvertCommand.selection(recording, event, threads, from, to),
                    new CollapsedParser());
            if (profile.isEmpty()) {
                throw new UserError(input + " holds no " + (event != null ? event : JfrEvent.cpu) + " samples"
                        + (from != null || to != null ? " in the time range" : ""));
            }
        } else if (event != null || from != null || to != null) {
            throw new UserError("--event, --from and --to apply to JFR recordings; " + input + " holds collapsed stacks");
        } else {
            profile = ProfileInput.read(input, new CollapsedParser(), false, spec.commandLine().getErr());
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
}
