package dev.jflame.flamegraph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Parses collapsed stacks ({@code root;caller;callee count} per line), plain, gzip, bzip2 or xz.
 *
 * <p>The count is the last blank-separated token, so frame names may contain spaces. It is a
 * non-negative integer or decimal ({@code 12.5}); decimals are kept exactly, see
 * {@link Profile#countScale()}. {@code # key: value} lines become metadata, other {@code #}
 * lines and blank lines are skipped, and identical stacks on several lines are summed (unless
 * the parser is {@link #keepingEveryLine()}). Lambda and hidden-class names are normalised
 * ({@link HiddenClassNames}) unless the parser is {@link #keepingRawNames()}.
 *
 * <p>Input is read line by line: memory grows with the distinct stacks, not with the lines;
 * {@link #parseTree} keeps no stacks at all, only the flame graph tree.
 * Parsers are immutable; the {@code keeping...}/{@code skipping...} methods return new ones.
 */
public final class CollapsedParser {

    /** Fraction digits kept from decimal counts; further digits are dropped. */
    public static final int MAX_COUNT_SCALE = 9;

    static final String EXPECTED = "expected 'frame;frame;... count', got '";

    private final boolean mergeIdenticalStacks;
    private final boolean normalizeNames;
    private final Consumer<MalformedProfileException> badLines;

    /** A parser that sums identical stacks, keeping the order of first appearance. */
    public CollapsedParser() {
        this(true, true, null);
    }

    private CollapsedParser(boolean mergeIdenticalStacks, boolean normalizeNames,
            Consumer<MalformedProfileException> badLines) {
        this.mergeIdenticalStacks = mergeIdenticalStacks;
        this.normalizeNames = normalizeNames;
        this.badLines = badLines;
    }

    /**
     * A parser that keeps every line as a stack of its own, in input order, for flame charts
     * where the sequence of samples is the x axis ({@link FlameGraphOptions#flamechart()}).
     */
    public static CollapsedParser keepingEveryLine() {
        return new CollapsedParser(false, true, null);
    }

    /** This parser, but frame names are kept exactly as recorded (no {@link HiddenClassNames} normalising). */
    public CollapsedParser keepingRawNames() {
        return new CollapsedParser(mergeIdenticalStacks, false, badLines);
    }

    /**
     * This parser, but a malformed line is handed to {@code onBadLine} and skipped instead of
     * ending the parse. Lines that cannot be added (a total overflowing 64 bits) are skipped too.
     */
    public CollapsedParser skippingBadLines(Consumer<MalformedProfileException> onBadLine) {
        return new CollapsedParser(mergeIdenticalStacks, normalizeNames, Objects.requireNonNull(onBadLine));
    }

    /** Parses {@code file}; error messages name it as given. */
    public Profile parse(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    /**
     * Parses {@code in} (not closed).
     *
     * @param sourceName names the input in error messages, e.g. a file name or {@code "<stdin>"}
     * @throws MalformedProfileException naming {@code sourceName} and the line number
     */
    public Profile parse(InputStream in, String sourceName) throws IOException {
        StackCounts counts = new StackCounts(1, mergeIdenticalStacks);
        Map<String, String> metadata = read(in, sourceName, new FrameNames(normalizeNames),
                (frames, count) -> counts.add(frames.toList(), count));
        List<Stack> stacks = new ArrayList<>(counts.size());
        for (int i = 0; i < counts.size(); i++) {
            stacks.add(new Stack(counts.frames(i), counts.count(i, 0)));
        }
        return new Profile(metadata, stacks, counts.scale());
    }

    /** Like {@link #parseTree(InputStream, String, FlameGraphOptions)} for {@code file}, named as given. */
    public TreeProfile parseTree(Path file, FlameGraphOptions shape) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parseTree(in, file.toString(), shape);
        }
    }

    /**
     * Parses {@code in} (not closed) straight into the flame graph tree that
     * {@link FrameTree#of(Profile, FlameGraphOptions)} would build from {@link #parse}'s profile,
     * shaped by {@code shape}'s reverse, flamechart, include and exclude settings (a flame chart
     * keeps every line in input order, as {@link #keepingEveryLine()} does). The stacks are not
     * kept: memory grows with the tree, not with the input, which makes this the fast way to
     * draw a large profile.
     *
     * @throws MalformedProfileException as {@link #parse(InputStream, String)}
     */
    public TreeProfile parseTree(InputStream in, String sourceName, FlameGraphOptions shape) throws IOException {
        FrameNames names = new FrameNames(normalizeNames);
        FrameTreeBuilder builder = new FrameTreeBuilder(names, shape);
        Map<String, String> metadata = read(in, sourceName, names, builder::add);
        return new TreeProfile(metadata, builder.finish(), builder.stacks());
    }

    /** Where each parsed line goes. */
    private interface StackSink {
        /** @throws ArithmeticException if a total would overflow; the line is then rejected */
        void add(LineFrames frames, DecimalCount count);
    }

    private Map<String, String> read(InputStream in, String sourceName, FrameNames names, StackSink sink)
            throws IOException {
        LineFrames frames = new LineFrames(names);
        return CollapsedLines.read(in, sourceName, (bytes, start, lineEnd, lineNumber) -> {
            int end = CollapsedLines.trimmedEnd(bytes, start, lineEnd);
            int blank = CollapsedLines.lastBlank(bytes, start, end);
            int stackEnd = blank < 0 ? start : CollapsedLines.trimmedEnd(bytes, start, blank);
            DecimalCount count = blank < 0 ? null : parseCount(bytes, blank + 1, end, sourceName, lineNumber);
            if (count == null || stackEnd == start) {
                throw new MalformedProfileException(sourceName, lineNumber,
                        EXPECTED + CollapsedLines.echo(CollapsedLines.decode(bytes, start, lineEnd)) + "'");
            }
            frames.split(bytes, start, stackEnd);
            try {
                sink.add(frames, count);
            } catch (ArithmeticException overflow) {
                throw new MalformedProfileException(sourceName, lineNumber, "sample count overflows a 64-bit total");
            }
        }, badLines);
    }

    static DecimalCount parseCount(byte[] bytes, int start, int end, String sourceName, long lineNumber)
            throws MalformedProfileException {
        try {
            return DecimalCount.parse(bytes, start, end, MAX_COUNT_SCALE);
        } catch (ArithmeticException overflow) {
            throw new MalformedProfileException(sourceName, lineNumber,
                    "count '" + CollapsedLines.echo(CollapsedLines.decode(bytes, start, end)) + "' is too large");
        }
    }
}
