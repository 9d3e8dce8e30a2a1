package dev.jflame.flamegraph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses differential collapsed stacks, {@code root;caller;callee count1 count2} per line
 * (the format of flamegraph's difffolded.pl): count1 from the "before" profile, count2 from
 * the "after" one. Everything else (gzip, metadata, comments, decimals, summing) is as in
 * {@link CollapsedParser}.
 */
public final class DiffParser {

    private static final String EXPECTED = "expected 'frame;frame;... count1 count2', got '";

    private final boolean normalizeNames;

    /** A parser that normalises lambda and hidden-class names like {@link CollapsedParser}. */
    public DiffParser() {
        this(true);
    }

    private DiffParser(boolean normalizeNames) {
        this.normalizeNames = normalizeNames;
    }

    /** This parser, but frame names are kept exactly as recorded. */
    public DiffParser keepingRawNames() {
        return new DiffParser(false);
    }

    public DiffProfile parse(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    /** Parses {@code in} (not closed); {@code sourceName} names it in error messages. */
    public DiffProfile parse(InputStream in, String sourceName) throws IOException {
        StackCounts counts = new StackCounts(2, true);
        LineFrames frames = new LineFrames(new FrameNames(normalizeNames));
        Map<String, String> metadata = CollapsedLines.read(in, sourceName, (bytes, start, lineEnd, lineNumber) -> {
            int end = CollapsedLines.trimmedEnd(bytes, start, lineEnd);
            int secondBlank = CollapsedLines.lastBlank(bytes, start, end);
            int firstEnd = secondBlank < 0 ? start : CollapsedLines.trimmedEnd(bytes, start, secondBlank);
            int firstBlank = CollapsedLines.lastBlank(bytes, start, firstEnd);
            int stackEnd = firstBlank < 0 ? start : CollapsedLines.trimmedEnd(bytes, start, firstBlank);
            if (stackEnd == start) {
                throw malformed(sourceName, lineNumber, bytes, start, lineEnd);
            }
            DecimalCount before = CollapsedParser.parseCount(bytes, firstBlank + 1, firstEnd, sourceName, lineNumber);
            DecimalCount after = CollapsedParser.parseCount(bytes, secondBlank + 1, end, sourceName, lineNumber);
            if (before == null || after == null) {
                throw malformed(sourceName, lineNumber, bytes, start, lineEnd);
            }
            frames.split(bytes, start, stackEnd);
            try {
                counts.add(frames.toList(), before, after);
            } catch (ArithmeticException overflow) {
                throw new MalformedProfileException(sourceName, lineNumber, "sample count overflows a 64-bit total");
            }
        }, null);
        List<DiffStack> stacks = new ArrayList<>(counts.size());
        for (int i = 0; i < counts.size(); i++) {
            stacks.add(new DiffStack(counts.frames(i), counts.count(i, 0), counts.count(i, 1)));
        }
        return new DiffProfile(metadata, stacks, counts.scale());
    }

    private static MalformedProfileException malformed(String sourceName, long lineNumber, byte[] bytes, int start,
            int end) {
        String line = CollapsedLines.decode(bytes, start, end);
        return new MalformedProfileException(sourceName, lineNumber, EXPECTED + CollapsedLines.echo(line) + "'");
    }
}
