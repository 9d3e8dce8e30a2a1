package dev.jflame.cli;

import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** Where the graph goes and in which format: shared by every command that writes one. */
final class OutputOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write here instead of stdout, atomically: a file is complete or absent. The format follows "
                    + "the name unless --format is given: .collapsed or .txt collapsed stacks, .html or .htm the HTML "
                    + "graph, .pb.gz, .pb, .pprof or .pprof.gz a pprof profile, .otlp or .otlp.pb OTLP (convert from "
                    + "JFR only), .jfr a Flight Recorder recording (run and attach: every sample with its time), anything else an "
                    + "SVG flame graph.")
    Path output;

    @Option(names = "--format", paramLabel = "FORMAT", converter = FormatConverter.class,
            description = "svg (the interactive SVG flame graph), html (async-profiler's canvas flame graph, for "
                    + "profiles too large for SVG), collapsed (collapsed stacks), pprof (gzip-compressed profile.proto, "
                    + "for go tool pprof, Pyroscope, Parca...) otlp (OpenTelemetry profiles; convert from JFR only), jfr (a Flight Recorder recording: run and attach "
                    + "only) or heatmap (async-profiler's heatmap, HTML; convert from JFR only). "
                    + "Wins over the -o name. Default: from the -o name, else svg.")
    OutputFormat format;

    /**
     * The output, drawn with the command's {@link GraphOptions} mixin if it has one (every
     * command that draws a graph should), else with the profile's defaults.
     */
    ProfileOutput target() {
        GraphOptions graph = null;
        if (mixee != null) {
            for (CommandSpec mixin : mixee.mixins().values()) {
                if (mixin.userObject() instanceof GraphOptions options) {
                    graph = options;
                }
            }
        }
        return ProfileOutput.of(output, format, graph != null ? graph : new GraphOptions());
    }

    /** {@code --format html}, case-insensitive. */
    static final class FormatConverter implements ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return OutputFormat.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                throw new TypeConversionException("expected svg, html, collapsed, pprof, otlp, jfr or heatmap, got '" + value + "'");
            }
        }
    }
}
