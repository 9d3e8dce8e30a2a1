package dev.jflame.cli;

import dev.jflame.flamegraph.Profile;
import dev.jflame.interop.JfrEvent;
import dev.jflame.interop.JfrRecording;
import dev.jflame.interop.JfrSelection;
import dev.jflame.interop.RecordingTime;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code jflame convert}: a JFR recording or collapsed stacks in, any of jflame's outputs out.
 * JFR is recognised by its first bytes, never by the file name, so that collapsed text can never
 * reach the converter library (which would write HTML whatever was asked and succeed).
 */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Convert a JFR recording or collapsed stacks to a graph, pprof or OTLP.",
        description = {
            "Writes an SVG or HTML flame graph, collapsed stacks, pprof, OTLP or a heatmap. The input is a JDK Flight "
                    + "Recorder recording (-XX:StartFlightRecording, jcmd JFR.start, async-profiler), recognised by "
                    + "its first bytes, or collapsed stacks (plain, gzip, bzip2 or xz). OTLP and heatmaps need a "
                    + "recording. The format follows the -o name (.svg, .html, .collapsed, .pb.gz, .otlp...); --format "
                    + "wins.",
            "",
            "  jflame convert recording.jfr -o flame.svg",
            "  jflame convert --event alloc --threads recording.jfr -o alloc.html",
            "  jflame convert app.jfr --from 14:03:00 --to 14:03:20 -o spike.svg",
            "  jflame convert app.jfr --format heatmap -o heat.html",
            "  jflame convert profile.collapsed -o profile.pb.gz",
            "  go tool pprof -top profile.pb.gz",
        },
        footerHeading = "%nExit codes:%n",
        footer = "  0 success, 1 a runtime failure, 2 a usage error (see jflame --help).")
final class ConvertCommand implements Callable<Integer> {
    private static final String STDIN = "<stdin>";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "A JFR recording or collapsed stacks file, or - for stdin.")
    String input;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Option(names = "--event", paramLabel = "EVENT",
            description = "JFR only: which events become samples: cpu (execution samples of running threads), wall "
                    + "(in every thread state; for the JDK's own recordings the same as cpu), alloc (allocation "
                    + "samples) or lock (contended monitors and parks). Default: cpu.")
    JfrEvent event;

    @Option(names = "--threads", description = "JFR only: split stacks by thread (a [name tid=N] root frame per thread).")
    boolean threads;

    @Option(names = "--from", paramLabel = "TIME", converter = RecordingTimeConverter.class,
            description = "JFR only: leave out events before TIME: counted from the recording's start (10s, 1500ms), "
                    + "back from its end when negative (-30s), or a wall-clock time of day (14:03:00, 14:03:00.250, "
                    + "local time, on the day the recording ran) or date and time (2025-05-01T14:03:00).")
    RecordingTime from;

    @Option(names = "--to", paramLabel = "TIME", converter = RecordingTimeConverter.class,
            description = "JFR only: leave out events after TIME, given as for --from.")
    RecordingTime to;

    @Option(names = "--skip-bad-lines",
            description = "Collapsed input only: skip malformed lines instead of failing on the first.")
    boolean skipBadLines;

    @Mixin
    GraphOptions graph = new GraphOptions();

    @Override
    public Integer call() throws Exception {
        ProfileOutput target = output.target();
        target.checkDestination();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if ("-".equals(input)) {
            InputStream in = new BufferedInputStream(System.in, 1 << 16);
            in.mark(16);
            byte[] head = in.readNBytes(4);
            in.reset();
            if (JfrRecording.isRecording(head)) {
                convertRecording(JfrRecording.of(in.readAllBytes(), STDIN), STDIN, target, stdout);
            } else {
                convertCollapsed(ProfileInput.read(in, target.parser(), skipBadLines, stderr), target, stdout);
            }
        } else {
            Path file = Path.of(input);
            if (Files.isDirectory(file)) {
                throw new UserError("cannot read " + input + ": it is a directory");
            }
            if (JfrRecording.isRecording(file)) {
                convertRecording(JfrRecording.of(file), input, target, stdout);
            } else {
                convertCollapsed(ProfileInput.read(input, target.parser(), skipBadLines, stderr), target, stdout);
            }
        }
        target.reportWritten(stderr);
        return ExitCodes.OK;
    }

    private void convertRecording(JfrRecording recording, String source, ProfileOutput target, PrintWriter stdout)
            throws IOException {
        if (skipBadLines) {
            throw new UsageError("--skip-bad-lines applies to collapsed input; " + source + " is a JFR recording");
        }
        JfrSelection selection = selection(recording, event, threads, from, to);
        switch (target.format()) {
            case JFR -> throw new UsageError("convert writes graphs and profiles from a recording, not recordings; "
                    + "to cut one to a time range, give --from/--to with any other format");
            case HEATMAP -> target.destination().writeBytes(stdout, out -> {
                if (!recording.writeHeatmap(selection, out)) {
                    throw noSamples(source, selection);
                }
            });
            case PPROF -> target.writeBinary(stdout, out -> {
                if (!recording.writePprof(selection, out)) {
                    throw noSamples(source, selection);
                }
            });
            case OTLP -> target.writeBinary(stdout, out -> {
                if (!recording.writeOtlp(selection, out)) {
                    throw noSamples(source, selection);
                }
            });
            default -> {
                Profile profile = recording.toProfile(selection, target.parser());
                if (profile.isEmpty()) {
                    throw noSamples(source, selection);
                }
                target.write(profile, stdout);
            }
        }
    }

    /** The events chosen, with --from/--to placed in the recording's time (wall-clock times need its start). */
    static JfrSelection selection(JfrRecording recording, JfrEvent event, boolean threads, RecordingTime from,
            RecordingTime to) throws IOException {
        boolean clock = !(from == null || from instanceof RecordingTime.Offset)
                || !(to == null || to instanceof RecordingTime.Offset);
        long start = clock ? recording.startEpochMillis() : 0;
        ZoneId zone = ZoneId.systemDefault();
        try {
            return new JfrSelection(event != null ? event : JfrEvent.cpu, threads,
                    from == null ? null : from.toConverterMillis(start, zone),
                    to == null ? null : to.toConverterMillis(start, zone));
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    private static UserError noSamples(String source, JfrSelection selection) {
        boolean ranged = selection.fromMillis() != null || selection.toMillis() != null;
        return new UserError(source + " holds no " + selection.event() + " samples" + (ranged ? " in the time range" : "")
                + "; --event chooses others (cpu, wall, alloc, lock)");
    }

    private void convertCollapsed(Profile profile, ProfileOutput target, PrintWriter stdout) throws IOException {
        if (event != null || threads || from != null || to != null) {
            throw new UsageError("--event, --threads, --from and --to apply to JFR recordings; " + input
                    + " holds collapsed stacks");
        }
        target.write(profile, stdout);
    }

    /** --from/--to: see {@link RecordingTime}. */
    static final class RecordingTimeConverter implements ITypeConverter<RecordingTime> {
        @Override
        public RecordingTime convert(String value) {
            try {
                return RecordingTime.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
