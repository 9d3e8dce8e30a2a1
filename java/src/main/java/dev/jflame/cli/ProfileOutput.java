package dev.jflame.cli;

import dev.jflame.flamegraph.CollapsedWriter;
import dev.jflame.flamegraph.FlameGraphOptions;
import dev.jflame.flamegraph.FrameTree;
import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.SvgRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Locale;

/** Where and in which format a profile is written: an SVG flame graph or collapsed text, a file or stdout. */
record ProfileOutput(Path file, String title) {
    enum Format { SVG, COLLAPSED }

    static ProfileOutput of(Path file, String title) {
        return new ProfileOutput(file, title);
    }

    Format format() {
        if (file == null) {
            return Format.SVG;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".collapsed") || name.endsWith(".txt") ? Format.COLLAPSED : Format.SVG;
    }

    /** Checked before a long profiling run, so that a typo in -o does not throw the run away. */
    void checkWritable() {
        if (file != null) {
            AtomicFile.checkWritable(file);
        }
    }

    void write(Profile profile, PrintWriter stdout) throws IOException {
        if (file == null) {
            writeTo(profile, stdout);
            stdout.flush();
            if (stdout.checkError()) {
                throw new IOException("writing the graph to stdout failed");
            }
        } else {
            AtomicFile.write(file, out -> writeTo(profile, out));
        }
    }

    private void writeTo(Profile profile, Writer out) throws IOException {
        if (format() == Format.COLLAPSED) {
            new CollapsedWriter().write(profile, out);
            return;
        }
        FlameGraphOptions.Builder options = FlameGraphOptions.forProfile(profile).toBuilder();
        if (title != null) {
            options.title(title);
        }
        FlameGraphOptions built = options.build();
        new SvgRenderer().render(FrameTree.of(profile, built), built, out);
    }
}
