package dev.jflame.cli;

import dev.jflame.flamegraph.Profile;
import dev.jflame.interop.JfrEvent;
import dev.jflame.interop.JfrRecording;
import dev.jflame.interop.JfrSelection;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        description = {
            "Convert a profile to an SVG or HTML flame graph, collapsed stacks, pprof or",
            "OTLP. Input: a JDK Flight Recorder recording (-XX:StartFlightRecording,",
            "jcmd JFR.start, async-profiler), recognised by its first bytes, or collapsed",
            "stacks (plain, gzip, bzip2 or xz). OTLP needs a recording. The format follows",
            "the -o name (.svg, .html, .collapsed, .pb.gz, .otlp...); --format wins.",
            "",
            "  jflame convert recording.jfr -o flame.svg",
            "  jflame convert --event alloc --threads recording.jfr -o alloc.html",
            "  jflame convert profile.collapsed -o profile.pb.gz",
            "  go tool pprof -top profile.pb.gz",
        })
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
            description = "JFR only: leave out events before TIME, counted from the recording's start (10s, 1500ms), "
                    + "or back from its end when negative (-30s).")
    Long fromMillis;

    @Option(names = "--to", paramLabel = "TIME", converter = RecordingTimeConverter.class,
            description = "JFR only: leave out events after TIME, counted as for --from.")
    Long toMillis;

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
        if (target.file() != null) {
            stderr.println("jflame: wrote " + target.file());
        }
        return ExitCodes.OK;
    }

    private void convertRecording(JfrRecording recording, String source, ProfileOutput target, PrintWriter stdout)
            throws IOException {
        if (skipBadLines) {
            throw new UserError("--skip-bad-lines applies to collapsed input; " + source + " is a JFR recording");
        }
        JfrSelection selection;
        try {
            selection = new JfrSelection(event != null ? event : JfrEvent.cpu, threads, fromMillis, toMillis);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        switch (target.format()) {
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

    private static UserError noSamples(String source, JfrSelection selection) {
        boolean ranged = selection.fromMillis() != null || selection.toMillis() != null;
        return new UserError(source + " holds no " + selection.event() + " samples" + (ranged ? " in the time range" : "")
                + "; --event chooses others (cpu, wall, alloc, lock)");
    }

    private void convertCollapsed(Profile profile, ProfileOutput target, PrintWriter stdout) throws IOException {
        if (event != null || threads || fromMillis != null || toMillis != null) {
            throw new UserError("--event, --threads, --from and --to apply to JFR recordings; " + input
                    + " holds collapsed stacks");
        }
        target.write(profile, stdout);
    }

    /** A time within a recording: {@code 10s}, {@code 1500ms}, or {@code -30s} back from its end; in ms. */
    static final class RecordingTimeConverter implements ITypeConverter<Long> {
        private static final Pattern FORM = Pattern.compile("(-?)(\\d{1,9})(ms|s|m)");

        @Override
        public Long convert(String value) {
            Matcher m = FORM.matcher(value.strip());
            if (!m.matches()) {
                throw new TypeConversionException("expected a time such as 10s, 1500ms or 2m from the recording's "
                        + "start, or -30s back from its end; got '" + value + "'");
            }
            long amount = Long.parseLong(m.group(2));
            long millis = switch (m.group(3)) {
                case "ms" -> amount;
                case "s" -> amount * 1_000L;
                default -> amount * 60_000L;
            };
            return m.group(1).isEmpty() ? millis : -millis;
        }
    }
}
