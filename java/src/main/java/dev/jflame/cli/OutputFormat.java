package dev.jflame.cli;

import java.nio.file.Path;
import java.util.Locale;

/** What a profile is written as; {@link #byName} picks one from the output file's name. */
enum OutputFormat {
    SVG, HTML, COLLAPSED, PPROF, OTLP,
    /** A Flight Recorder recording: written by the agent itself (run, attach), never converted to. */
    JFR,
    /** async-profiler's heatmap (HTML), from JFR recordings only. */
    HEATMAP;

    boolean binary() {
        return this == PPROF || this == OTLP || this == JFR;
    }

    /** The format an output file's name asks for: svg for stdout ({@code file} null) and unknown names. */
    static OutputFormat byName(Path file) {
        if (file == null) {
            return SVG;
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jfr")) {
            return JFR;
        }
        if (name.endsWith(".collapsed") || name.endsWith(".txt")) {
            return COLLAPSED;
        }
        // .otlp.pb before .pb: an OTLP name also ends in .pb.
        if (name.endsWith(".otlp") || name.endsWith(".otlp.pb")) {
            return OTLP;
        }
        if (name.endsWith(".pb.gz") || name.endsWith(".pb") || name.endsWith(".pprof") || name.endsWith(".pprof.gz")) {
            return PPROF;
        }
        return name.endsWith(".html") || name.endsWith(".htm") ? HTML : SVG;
    }
}
