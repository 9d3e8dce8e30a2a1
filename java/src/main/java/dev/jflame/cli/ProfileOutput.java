package dev.jflame.cli;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.CollapsedWriter;
import dev.jflame.flamegraph.DiffProfile;
import dev.jflame.flamegraph.FlameGraphOptions;
import dev.jflame.flamegraph.FrameTree;
import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.SvgRenderer;
import dev.jflame.flamegraph.TreeProfile;
import dev.jflame.interop.HtmlFlameGraph;
import dev.jflame.interop.PprofWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * How a profile is written as the command line asks: in which {@link OutputFormat} (an SVG
 * flame graph, async-profiler's HTML flame graph, collapsed text, a pprof profile, or OTLP from
 * JFR recordings only), by which renderer, drawn as {@link GraphOptions} say, to the
 * {@link OutputDestination} -o names (stdout without one).
 */
record ProfileOutput(Path file, OutputFormat explicitFormat, GraphOptions graph) {
    static final String JFR_FROM_AGENT = "jfr output is recorded by the agent: jflame run or attach with -o NAME.jfr "
            + "(or --format jfr); from a profile jflame writes svg, html, collapsed or pprof";
    static final String HEATMAP_NEEDS_JFR = "a heatmap needs a JFR recording as input (jflame convert RECORDING.jfr "
            + "--format heatmap); record one with jflame run or attach -o NAME.jfr";
    static final String OTLP_NEEDS_JFR = "otlp output needs a JFR recording as input (jflame convert RECORDING.jfr); "
            + "from collapsed stacks jflame writes svg, html, collapsed or pprof";

    static ProfileOutput of(Path file, OutputFormat format, GraphOptions graph) {
        return new ProfileOutput(file, format, graph);
    }

    OutputFormat format() {
        return explicitFormat != null ? explicitFormat : OutputFormat.byName(file);
    }

    /** The parser that reads profiles for this output: raw names and flame-chart order as asked. */
    CollapsedParser parser() {
        CollapsedParser parser = graph.flamechart ? CollapsedParser.keepingEveryLine() : new CollapsedParser();
        return graph.rawNames ? parser.keepingRawNames() : parser;
    }

    /** Reads a profile file the agent wrote, as {@link #parser()} says. */
    Profile read(Path profileFile) throws IOException {
        return parser().parse(profileFile);
    }

    /**
     * Checked before a long profiling run, so that a typo in -o does not throw the run away: the
     * file can be written, and the format can be made from collapsed stacks.
     */
    void checkWritable() {
        if (format() == OutputFormat.OTLP) {
            throw new UsageError(OTLP_NEEDS_JFR);
        }
        if (format() == OutputFormat.HEATMAP) {
            throw new UsageError(HEATMAP_NEEDS_JFR);
        }
        checkDestination();
    }

    /** The file can be written, or, for stdout, binary output does not go to a terminal. */
    void checkDestination() {
        destination().check(format());
    }

    OutputDestination destination() {
        return new OutputDestination(file);
    }

    void write(Profile profile, PrintWriter stdout) throws IOException {
        FlameGraphOptions options = graph.apply(FlameGraphOptions.forProfile(profile));
        OutputDestination to = destination();
        switch (format()) {
            case PPROF -> writeBinary(stdout, out -> PprofWriter.write(options.stackFilter().apply(profile), out));
            case OTLP -> throw new UsageError(OTLP_NEEDS_JFR);
            case JFR -> throw new UsageError(JFR_FROM_AGENT);
            case HEATMAP -> throw new UsageError(HEATMAP_NEEDS_JFR);
            case COLLAPSED -> to.writeText(stdout, out -> new CollapsedWriter().write(options.stackFilter().apply(profile), out));
            case HTML -> to.writeText(stdout, out -> HtmlFlameGraph.write(profile, options, out));
            case SVG -> to.writeText(stdout, out -> new SvgRenderer().render(FrameTree.of(profile, options), options, out));
        }
    }

    /**
     * The tree-shaping options (reverse, flamechart, include, exclude) for reading a profile
     * straight into its tree; they come from the command line only, never from the profile.
     */
    FlameGraphOptions shape() {
        return graph.apply(FlameGraphOptions.defaults());
    }

    /** An SVG flame graph of a profile read as a tree with {@link #shape()}. */
    void write(TreeProfile profile, PrintWriter stdout) throws IOException {
        if (format() != OutputFormat.SVG) {
            throw new IllegalStateException("a profile read as a tree can only be drawn as svg, not " + format());
        }
        FlameGraphOptions options = graph.apply(FlameGraphOptions.forMetadata(profile.metadata()));
        destination().writeText(stdout, out -> new SvgRenderer().render(profile.tree(), options, out));
    }

    /** A differential graph: SVG, or the two-count collapsed text. */
    void write(DiffProfile diff, PrintWriter stdout) throws IOException {
        if (format() != OutputFormat.SVG && format() != OutputFormat.COLLAPSED) {
            throw new UsageError("a differential graph can be written as svg or collapsed, not "
                    + format().name().toLowerCase(Locale.ROOT));
        }
        FlameGraphOptions options = graph.apply(FlameGraphOptions.forProfile(new Profile(diff.metadata(), List.of())));
        destination().writeText(stdout, out -> {
            if (format() == OutputFormat.COLLAPSED) {
                new CollapsedWriter().write(diff, out);
            } else {
                new SvgRenderer().render(FrameTree.of(diff, options), options, out);
            }
        });
    }

    /** Says on stderr that the file was written, if the output went to one. */
    void reportWritten(PrintWriter stderr) {
        OutputDestination.reportWritten(stderr, file == null ? List.of() : List.of(file));
    }

    /** Binary output (pprof, OTLP) to the file, or to stdout unless that is a terminal. */
    void writeBinary(PrintWriter stdout, AtomicFile.BinaryContent content) throws IOException {
        checkDestination();
        destination().writeBytes(stdout, content);
    }
}
