package dev.jflame.cli;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.MalformedProfileException;
import dev.jflame.flamegraph.Profile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Reads one collapsed-stacks input of {@code svg}, {@code diff} or {@code top}: a file or {@code -} for
 * stdin, with malformed lines either fatal or skipped, counted and reported on stderr.
 */
final class ProfileInput {
    private static final int SHOWN_BAD_LINES = 3;

    private ProfileInput() {
    }

    static Profile read(String input, CollapsedParser parser, boolean skipBadLines, PrintWriter stderr)
            throws IOException {
        String source = "-".equals(input) ? "<stdin>" : input;
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
            profile = "-".equals(input) ? parser.parse(System.in, source) : parser.parse(Path.of(input));
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
