package dev.jflame.interop;

import dev.jflame.flamegraph.FlameGraphOptions;
import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.flamegraph.StackFilter;
import dev.jflame.flamegraph.XmlText;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import one.convert.Arguments;
import one.convert.FlameGraph;

/**
 * async-profiler's canvas HTML flame graph, drawn by its converter library
 * ({@code tools.profiler:jfr-converter}): far smaller and faster to open than an SVG when a
 * profile has hundreds of thousands of frames.
 *
 * <p>The converter puts frame names into JavaScript string literals inside a {@code <script>}
 * element, escaping only quotes and backslashes, and the title into the HTML as it is. So
 * jflame escapes the title itself and rewrites every {@code <} in the name table as the
 * JavaScript escape {@code \x3c}: the strings keep their value, but no name can end the
 * script element ({@code </script>}) or open a comment.
 */
public final class HtmlFlameGraph {
    private static final String NAME_TABLE_START = "const cpool = [";
    private static final String NAME_TABLE_END = "];";

    private HtmlFlameGraph() {
    }

    public static void write(Profile profile, FlameGraphOptions options, Writer out) throws IOException {
        Arguments arguments = new Arguments();
        arguments.title = XmlText.escape(options.title());
        arguments.reverse = options.reverse();
        arguments.inverted = options.inverted();
        double usableWidth = options.width() - 20.0;
        arguments.minwidth = usableWidth > 0 ? 100 * options.minWidth() / usableWidth : 0;
        FlameGraph graph = new FlameGraph(arguments);
        graph.parseCollapsed(new StackLines(profile, options.stackFilter()));
        try (PrintStream html = new PrintStream(new SafeNameTable(out), false, StandardCharsets.UTF_8)) {
            graph.dump(html);
            html.flush();
            if (html.checkError()) {
                throw new IOException("writing the HTML flame graph failed");
            }
        }
    }

    /**
     * The kept stacks as collapsed text, one line at a time, for the converter's parser.
     * Decimal counts are rounded to whole numbers (the converter reads integers only).
     */
    private static final class StackLines extends Reader {
        private final Profile profile;
        private final Iterator<Stack> stacks;
        private final StackFilter filter;
        private final StringBuilder line = new StringBuilder(1 << 10);
        private int position;

        StackLines(Profile profile, StackFilter filter) {
            this.profile = profile;
            this.stacks = profile.stacks().iterator();
            this.filter = filter;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            while (position == line.length()) {
                if (!nextLine()) {
                    return -1;
                }
            }
            int n = Math.min(length, line.length() - position);
            line.getChars(position, position + n, buffer, offset);
            position += n;
            return n;
        }

        private boolean nextLine() {
            line.setLength(0);
            position = 0;
            while (stacks.hasNext()) {
                Stack stack = stacks.next();
                long count = profile.wholeCount(stack);
                if (count == 0 || !filter.keeps(stack.frames())) {
                    continue;
                }
                line.append(String.join(";", stack.frames())).append(' ').append(count).append('\n');
                return true;
            }
            return false;
        }

        @Override
        public void close() {
        }
    }

    /**
     * Passes the converter's UTF-8 output on to a Writer line by line, escaping {@code <} inside
     * the name table. Lines are whole when decoded, so no multi-byte character is split, and
     * {@code <} is one byte in UTF-8 that never occurs inside another character's encoding.
     */
    private static final class SafeNameTable extends OutputStream {
        private final Writer out;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(1 << 12);
        private boolean inNameTable;

        SafeNameTable(Writer out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            if (b == '<' && inNameTable) {
                line.write('\\');
                line.write('x');
                line.write('3');
                line.write('c');
            } else {
                line.write(b);
            }
            if (b == '\n') {
                endLine();
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                write(bytes[i]);
            }
        }

        private void endLine() throws IOException {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            String bare = text.strip();
            if (bare.equals(NAME_TABLE_START)) {
                inNameTable = true;
            } else if (bare.equals(NAME_TABLE_END)) {
                inNameTable = false;
            }
            out.write(text);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (line.size() > 0) {
                endLine();
            }
            flush();
        }
    }
}
