package dev.jflame.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where output goes: a file, written atomically ({@link AtomicFile}), or stdout when
 * {@code file} is null. Text to stdout goes through the command's writer; binary output goes
 * to {@code System.out} itself, after that writer is flushed, so nothing is re-encoded.
 */
record OutputDestination(Path file) {
    /** The file can be written, or, for stdout, binary output does not go to a terminal. */
    void check(OutputFormat format) {
        if (file != null) {
            AtomicFile.checkWritable(file);
        } else if (format.binary() && StandardOutput.isTerminal()) {
            throw new UsageError(format.name().toLowerCase(Locale.ROOT)
                    + " output is binary and stdout is a terminal: give -o FILE or redirect stdout");
        }
    }

    /** The one line every command prints on stderr for the files it wrote: {@code jflame: wrote a.svg, a.alloc.svg}. */
    static void reportWritten(PrintWriter stderr, List<Path> files) {
        if (!files.isEmpty()) {
            stderr.println("jflame: wrote " + String.join(", ", files.stream().map(Path::toString).toList()));
            stderr.flush();
        }
    }

    void writeText(PrintWriter stdout, AtomicFile.Content content) throws IOException {
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

    void writeBytes(PrintWriter stdout, AtomicFile.BinaryContent content) throws IOException {
        if (file == null) {
            stdout.flush();
            content.writeTo(System.out);
            System.out.flush();
            if (System.out.checkError()) {
                throw new IOException("writing the profile to stdout failed");
            }
        } else {
            AtomicFile.writeBytes(file, content);
        }
    }
}
