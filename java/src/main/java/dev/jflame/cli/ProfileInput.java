package dev.jflame.cli;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.FlameGraphOptions;
import dev.jflame.flamegraph.MalformedProfileException;
import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.TreeProfile;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one collapsed-stacks input of {@code svg}, {@code diff}, {@code top} or {@code convert}: a
 * file or {@code -} for stdin, with malformed lines either fatal or skipped, counted and reported
 * on stderr.
 */
final class ProfileInput {
    private static final int SHOWN_BAD_LINES = 3;
    private static final String STDIN = "<stdin>";
    /** Reading a file this large takes seconds (several million samples): worth a progress line. */
    static final long SHOW_PROGRESS_BYTES = 32L << 20;

    /** One way of parsing an opened input. */
    private interface Reader<T> {
        T read(CollapsedParser parser, InputStream in, String source) throws IOException;
    }

    private ProfileInput() {
    }

    static Profile read(String input, CollapsedParser parser, boolean skipBadLines, PrintWriter stderr)
            throws IOException {
        Profile profile = read(input, parser, skipBadLines, stderr, CollapsedParser::parse);
        if (profile.isEmpty()) {
            throw noStacks(sourceName(input));
        }
        return profile;
    }

    /** Reads stdin, or what is left of it after a caller peeked at its first bytes. */
    static Profile read(InputStream stdin, CollapsedParser parser, boolean skipBadLines, PrintWriter stderr)
            throws IOException {
        Profile profile = read(stdin, STDIN, parser, skipBadLines, stderr, CollapsedParser::parse);
        if (profile.isEmpty()) {
            throw noStacks(STDIN);
        }
        return profile;
    }

    /** The input read straight into its flame graph tree, shaped by {@code shape} (see {@link CollapsedParser#parseTree}). */
    static TreeProfile readTree(String input, CollapsedParser parser, FlameGraphOptions shape, boolean skipBadLines,
            PrintWriter stderr) throws IOException {
        TreeProfile profile = read(input, parser, skipBadLines, stderr,
                (p, in, source) -> p.parseTree(in, source, shape));
        if (profile.isEmpty()) {
            throw noStacks(sourceName(input));
        }
        return profile;
    }

    private static <T> T read(String input, CollapsedParser parser, boolean skipBadLines, PrintWriter stderr,
            Reader<T> reader) throws IOException {
        if ("-".equals(input)) {
            return read(System.in, STDIN, parser, skipBadLines, stderr, reader);
        }
        Path file = Path.of(input);
        try (InputStream raw = Files.newInputStream(file); Progress progress = Progress.onStderr(stderr)) {
            long size = Files.size(file);
            InputStream in = progress.enabled() && size >= SHOW_PROGRESS_BYTES
                    ? new ReadProgress(raw, size, progress, input) : raw;
            return read(in, input, parser, skipBadLines, stderr, reader);
        }
    }

    private static <T> T read(InputStream in, String source, CollapsedParser parser, boolean skipBadLines,
            PrintWriter stderr, Reader<T> reader) throws IOException {
        long[] skipped = {0};
        if (skipBadLines) {
            parser = parser.skippingBadLines(bad -> {
                if (++skipped[0] <= SHOWN_BAD_LINES) {
                    stderr.println("jflame: skipped " + bad.getMessage());
                }
            });
        }
        T profile;
        try {
            profile = reader.read(parser, in, source);
        } catch (MalformedProfileException malformed) {
            throw new UserError(malformed.getMessage() + " (--skip-bad-lines skips such lines)", malformed);
        }
        if (skipped[0] > 0) {
            stderr.println("jflame: skipped " + skipped[0] + " malformed line" + (skipped[0] == 1 ? "" : "s")
                    + " in " + source);
        }
        return profile;
    }

    private static String sourceName(String input) {
        return "-".equals(input) ? STDIN : input;
    }

    private static UserError noStacks(String source) {
        return new UserError(source + " holds no stacks ('frame;frame;... count' lines); nothing to draw");
    }

    /** Counts the bytes read and shows the share of the file done, at each whole percent. */
    static final class ReadProgress extends FilterInputStream {
        private final long size;
        private final Progress progress;
        private final String name;
        private long read;
        private long shownPercent = -1;

        ReadProgress(InputStream in, long size, Progress progress, String name) {
            super(in);
            this.size = Math.max(1, size);
            this.progress = progress;
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                advance(n);
            }
            return n;
        }

        private void advance(long n) {
            read += n;
            long percent = Math.min(100, read * 100 / size);
            if (percent != shownPercent) {
                shownPercent = percent;
                progress.show("reading " + name + ": " + percent + "%");
            }
        }
    }
}
