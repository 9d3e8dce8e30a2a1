package dev.jflame.flamegraph;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Profile} back as collapsed stacks: metadata as {@code # key: value} lines
 * first, then one {@code frame;frame;... count} line per stack, readable by
 * {@link CollapsedParser} and flamegraph.pl. A {@link DiffProfile} is written as
 * {@code frame;frame;... before after} lines, readable by {@link DiffParser}.
 */
public final class CollapsedWriter {

    /** Writes {@code profile} to {@code out} (flushed, not closed). */
    public void write(Profile profile, Writer out) throws IOException {
        writeMetadata(profile.metadata(), out);
        StringBuilder line = new StringBuilder(256);
        for (Stack stack : profile.stacks()) {
            line.setLength(0);
            appendFrames(line, stack.frames());
            line.append(' ').append(CountText.plain(stack.count(), profile.countScale())).append('\n');
            out.append(line);
        }
        out.flush();
    }

    /** Writes {@code diff} as {@code stack before after} lines (flushed, not closed). */
    public void write(DiffProfile diff, Writer out) throws IOException {
        writeMetadata(diff.metadata(), out);
        StringBuilder line = new StringBuilder(256);
        for (DiffStack stack : diff.stacks()) {
            line.setLength(0);
            appendFrames(line, stack.frames());
            line.append(' ').append(CountText.plain(stack.before(), diff.countScale()))
                    .append(' ').append(CountText.plain(stack.after(), diff.countScale())).append('\n');
            out.append(line);
        }
        out.flush();
    }

    /** Convenience for tests and small outputs. */
    public String write(Profile profile) {
        StringWriter out = new StringWriter();
        try {
            write(profile, out);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toString();
    }

    private static void writeMetadata(Map<String, String> metadata, Writer out) throws IOException {
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            out.write("# ");
            out.write(oneLine(entry.getKey()));
            out.write(": ");
            out.write(oneLine(entry.getValue()));
            out.write('\n');
        }
    }

    static void appendFrames(StringBuilder line, List<String> frames) {
        for (int i = 0; i < frames.size(); i++) {
            if (i > 0) {
                line.append(';');
            }
            line.append(oneLine(frames.get(i)));
        }
    }

    // A line break inside a name would split the record; the format has no escape for it.
    private static String oneLine(String text) {
        return text.indexOf('\n') < 0 && text.indexOf('\r') < 0 ? text : text.replace('\n', ' ').replace('\r', ' ');
    }
}
