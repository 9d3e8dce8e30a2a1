package dev.jflame.cli;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.CollapsedWriter;
import dev.jflame.flamegraph.DiffProfile;
import dev.jflame.flamegraph.FlameGraphOptions;
import dev.jflame.flamegraph.FrameTree;
import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.SvgRenderer;
import dev.jflame.flamegraph.TreeProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where and in which format a profile is written: an SVG flame graph, async-profiler's HTML
 * flame graph or collapsed text, to a file or stdout, drawn as {@link GraphOptions} say.
 */
record ProfileOutput(Path file, Format explicitFormat, GraphOptions graph) {
    enum Format { SVG, HTML, COLLAPSED }

    static ProfileOutput of(Path file, Format format, GraphOptions graph) {
        return new ProfileOutput(file, format, graph);
    }

    Format format() {
        if (explicitFormat != null) {
            return explicitFormat;
        }
        if (file == null) {
            return Format.SVG;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".collapsed") || name.endsWith(".txt")) {
            return Format.COLLAPSED;
        }
        return name.endsWith(".html") || name.endsWith(".htm") ? Format.HTML : Format.SVG;
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

    /** Checked before a long profiling run, so that a typo in -o does not throw the run away. */
    void checkWritable() {
        if (file != null) {
            AtomicFile.checkWritable(file);
        }
    }

    void write(Profile profile, PrintWriter stdout) throws IOException {
        FlameGraphOptions options = graph.apply(FlameGraphOptions.forProfile(profile));
        writeWith(stdout, out -> {
            switch (format()) {
                case COLLAPSED -> new CollapsedWriter().write(options.stackFilter().apply(profile), out);
                case HTML -> HtmlFlameGraph.write(profile, options, out);
                case SVG -> new SvgRenderer().render(FrameTree.of(profile, options), options, out);
            }
        });
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
        if (format() != Format.SVG) {
            throw new IllegalStateException("a profile read as a tree can only be drawn as svg, not " + format());
        }
        FlameGraphOptions options = graph.apply(FlameGraphOptions.forMetadata(profile.metadata()));
        writeWith(stdout, out -> new SvgRenderer().render(profile.tree(), options, out));
    }

    /** A differential graph: SVG, or the two-count collapsed text. */
    void write(DiffProfile diff, PrintWriter stdout) throws IOException {
        if (format() == Format.HTML) {
            throw new UserError("a differential graph can be written as svg or collapsed, not html");
        }
        FlameGraphOptions options = graph.apply(FlameGraphOptions.forProfile(new Profile(diff.metadata(), List.of())));
        writeWith(stdout, out -> {
            if (format() == Format.COLLAPSED) {
                new CollapsedWriter().write(diff, out);
            } else {
                new SvgRenderer().render(FrameTree.of(diff, options), options, out);
            }
        });
    }

    private void writeWith(PrintWriter stdout, AtomicFile.Content content) throws IOException {
        if (file == null) {
            content.writeTo(stdout);
            stdout.flush();
            if (stdout.checkError()) {
                throw new IOException("writing the graph to stdout failed");
            }
        } else {
            AtomicFile.write(file, content);
        }
    }
}
