package dev.jflame.cli;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.MalformedProfileException;
import dev.jflame.flamegraph.Profile;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Reads one collapsed-stacks input of {@code svg}, {@code diff}, {@code top} or {@code convert}: a
 * file or {@code -} for stdin, with malformed lines either fatal or skipped, counted and reported
 * on stderr.
 */
final class ProfileInput {
    private static final int SHOWN_BAD_LINES = 3;

    private interface Parse {
        Profile with(CollapsedParser parser) throws IOException;
    }

    private ProfileInput() {
    }

    static Profile read(String input, CollapsedParser parser, boolean skipBadLines, PrintWriter stderr)
            throws IOException {
        if ("-".equals(input)) {
            return read(System.in, parser, skipBadLines, stderr);
        }
        return read(input, p -> p.parse(Path.of(input)), parser, skipBadLines, stderr);
    }

    /** Reads stdin, or what is left of it after a caller peeked at its first bytes. */
    static Profile read(InputStream stdin, CollapsedParser parser, boolean skipBadLines, PrintWriter stderr)
            throws IOException {
        String source = "<stdin>";
        return read(source, p -> p.parse(stdin, source), parser, skipBadLines, stderr);
    }

    private static Profile read(String source, Parse parse, CollapsedParser parser, boolean skipBadLines,
            PrintWriter stderr) throws IOException {
        long[] skipped = {0};
        if (skipBadLines) {
            parser = parser.skippingBadLines(bad -> {
                if (++skipped[0] <= SHOWN_BAD_LINES) {
                    stderr.println("jflame: skipped " + bad.getMessage());
                }
            });
        }
        Profile profile;
        try {
            profile = parse.with(parser);
        } catch (MalformedProfileException malformed) {
            throw new UserError(malformed.getMessage() + " (--skip-bad-lines skips such lines)", malformed);
        }
        if (skipped[0] > 0) {
            stderr.println("jflame: skipped " + skipped[0] + " malformed line" + (skipped[0] == 1 ? "" : "s")
                    + " in " + source);
        }
        if (profile.isEmpty()) {
            throw new UserError(source + " holds no stacks ('frame;frame;... count' lines); nothing to draw");
        }
        return profile;
    }
}
