package dev.jflame.interop;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.Profile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import one.convert.Arguments;
import one.convert.JfrConverter;
import one.convert.JfrToFlame;
import one.convert.JfrToHeatmap;
import one.convert.JfrToOtlp;
import one.convert.JfrToPprof;
import one.jfr.JfrReader;
import one.jfr.event.Event;
import one.jfr.event.EventCollector;

/**
 * A JDK Flight Recorder recording (from the JDK's own recorder or from async-profiler), read
 * through async-profiler's converter library ({@code tools.profiler:jfr-converter}): as
 * collapsed stacks for jflame's own renderers, or converted by the library to pprof or OTLP.
 *
 * <p>The library marks how a Java frame ran with a suffix ({@code _[0]} interpreted,
 * {@code _[1]} C1, {@code _[j]} compiled, {@code _[i]} inlined). jflame's agent names a method
 * the same however it runs, so those suffixes are dropped: a method is one row in
 * {@code jflame top}, and a graph from a recording can be diffed with one from jflame.
 * Kernel frames keep their {@code _[k]}, which the palette colours by.
 */
public final class JfrRecording {
    /** Every JFR chunk starts with these bytes. */
    private static final byte[] MAGIC = {'F', 'L', 'R', 0};
    private static final String[] RUN_MODE_SUFFIXES = {"_[0]", "_[1]", "_[j]", "_[i]"};
    private static final String THREAD_STATES = "jdk.types.ThreadState";

    private final String source;
    private final Path file;
    private final byte[] bytes;

    private JfrRecording(String source, Path file, byte[] bytes) {
        this.source = source;
        this.file = file;
        this.bytes = bytes;
    }

    /** Whether {@code head}, a file's first bytes, starts a JFR recording. */
    public static boolean isRecording(byte[] head) {
        return head.length >= MAGIC.length && Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** Whether {@code file} is a JFR recording, by its first bytes. */
    public static boolean isRecording(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return isRecording(in.readNBytes(MAGIC.length));
        }
    }

    public static JfrRecording of(Path file) {
        return new JfrRecording(file.toString(), file, null);
    }

    /** A recording held in memory, e.g. read from stdin. */
    public static JfrRecording of(byte[] bytes, String source) {
        return new JfrRecording(source, null, bytes);
    }

    /**
     * The selected events as collapsed stacks, parsed by {@code parser}, with a header naming
     * the event, so that titles and colours follow it as they do for jflame's own profiles.
     */
    public Profile toProfile(JfrSelection selection, CollapsedParser parser) throws IOException {
        ByteArrayOutputStream collapsed = new ByteArrayOutputStream(1 << 16);
        convert(selection, "collapsed", (reader, args) -> {
            JfrToFlame converter = new JfrToFlame(reader, args);
            converter.convert();
            converter.dump(collapsed);
        });
        StringBuilder text = new StringBuilder(collapsed.size() + 256);
        text.append("# event: ").append(selection.event()).append('\n');
        text.append("# units: samples\n");
        text.append("# source: JFR recording\n");
        for (String line : collapsed.toString(StandardCharsets.UTF_8).split("\n")) {
            appendWithoutRunModes(line, text);
        }
        byte[] input = text.toString().getBytes(StandardCharsets.UTF_8);
        return parser.parse(new ByteArrayInputStream(input), source);
    }

    /**
     * The selected events as a gzip-compressed pprof profile, written by the converter library.
     * Returns false, having written nothing, when no event was selected.
     */
    public boolean writePprof(JfrSelection selection, OutputStream out) throws IOException {
        return writeIfAny(selection, "pprof", (reader, args, seen) -> new JfrToPprof(reader, args) {
            @Override
            protected EventCollector createCollector(Arguments arguments) {
                return seen.watching(super.createCollector(arguments));
            }
        }, converter -> {
            GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
            converter.dump(gzip);
            gzip.finish();
        });
    }

    /**
     * The selected events as an OpenTelemetry profiles message (OTLP, protobuf), written by the
     * converter library. Returns false, having written nothing, when no event was selected.
     */
    public boolean writeOtlp(JfrSelection selection, OutputStream out) throws IOException {
        return writeIfAny(selection, "otlp", (reader, args, seen) -> new JfrToOtlp(reader, args) {
            @Override
            protected EventCollector createCollector(Arguments arguments) {
                return seen.watching(super.createCollector(arguments));
            }
        }, converter -> converter.dump(out));
    }

    /**
     * The selected events as async-profiler's heatmap (HTML: time across, samples per
     * interval as colour; select a range to see its flame graph), written by the converter
     * library. Returns false, having written nothing, when no event was selected.
     */
    public boolean writeHeatmap(JfrSelection selection, OutputStream out) throws IOException {
        return writeIfAny(selection, "heatmap", (reader, args, seen) -> new JfrToHeatmap(reader, args) {
            @Override
            protected EventCollector createCollector(Arguments arguments) {
                return seen.watching(super.createCollector(arguments));
            }
        }, converter -> {
            // The library closes the stream it writes the heatmap to; the caller's must stay open.
            converter.dump(new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                }
            });
        });
    }

    /** When the recording started: its first chunk's wall-clock time, in ms since the epoch. */
    public long startEpochMillis() throws IOException {
        try (JfrReader reader = open()) {
            return reader.startNanos / 1_000_000;
        } catch (NoSuchFileException missing) {
            throw missing;
        } catch (IOException | RuntimeException unreadable) {
            throw new IOException(source + ": not a readable JFR recording (" + describe(unreadable) + ")", unreadable);
        }
    }

    /** Makes the library's converter for one output, its events passed through {@code seen}. */
    private interface WatchedConverter<C extends JfrConverter> {
        C create(JfrReader reader, Arguments args, SeenEvents seen);
    }

    private interface Dump<C extends JfrConverter> {
        void write(C converter) throws IOException;
    }

    /**
     * Converts, then dumps only if some event was selected: the library writes an empty profile
     * without a word when a recording holds none of the chosen events.
     */
    private <C extends JfrConverter> boolean writeIfAny(JfrSelection selection, String output,
            WatchedConverter<C> converters, Dump<C> dump) throws IOException {
        boolean[] written = {false};
        convert(selection, output, (reader, args) -> {
            SeenEvents seen = new SeenEvents();
            C converter = converters.create(reader, args, seen);
            converter.convert();
            if (seen.any()) {
                dump.write(converter);
                written[0] = true;
            }
        });
        return written[0];
    }

    /** Passes events on to the library's collector, noting whether there were any. */
    private static final class SeenEvents implements EventCollector {
        private EventCollector inner;
        private boolean any;

        /** Watches {@code collector}; called once, while the library's converter is constructed. */
        EventCollector watching(EventCollector collector) {
            this.inner = collector;
            return this;
        }

        boolean any() {
            return any;
        }

        @Override
        public void collect(Event event) {
            any = true;
            inner.collect(event);
        }

        @Override
        public void beforeChunk() {
            inner.beforeChunk();
        }

        @Override
        public void afterChunk() {
            inner.afterChunk();
        }

        @Override
        public boolean finish() {
            return inner.finish();
        }

        @Override
        public void forEach(Visitor visitor) {
            inner.forEach(visitor);
        }
    }

    private interface Conversion {
        void run(JfrReader reader, Arguments args) throws IOException;
    }

    private void convert(JfrSelection selection, String output, Conversion conversion) throws IOException {
        try (JfrReader reader = open()) {
            conversion.run(reader, arguments(selection, output, reader.enums.get(THREAD_STATES)));
        } catch (NoSuchFileException missing) {
            throw missing;
        } catch (IOException | RuntimeException unreadable) {
            // The library reports a damaged recording as whatever its parser ran into
            // (BufferUnderflowException, IndexOutOfBounds...): one message covers them all.
            throw new IOException(source + ": not a readable JFR recording (" + describe(unreadable) + ")", unreadable);
        }
    }

    private JfrReader open() throws IOException {
        return file != null ? new JfrReader(file.toString()) : new JfrReader(ByteBuffer.wrap(bytes));
    }

    private static String describe(Exception e) {
        if (e instanceof IOException && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.getMessage() == null ? "damaged data" : "damaged data: " + e.getMessage();
    }

    private static Arguments arguments(JfrSelection selection, String output, Map<Integer, String> threadStates) {
        Arguments args = new Arguments();
        args.output = output;
        args.dot = true;
        args.threads = selection.threads();
        switch (selection.event()) {
            case cpu -> {
                // async-profiler marks CPU samples with STATE_DEFAULT; the JDK's recorder samples
                // only threads running Java or native code, all of them RUNNABLE.
                if (threadStates != null && threadStates.containsValue("STATE_DEFAULT")) {
                    args.cpu = true;
                } else if (threadStates != null && threadStates.containsValue("STATE_RUNNABLE")) {
                    args.state = "runnable";
                }
            }
            case wall -> args.wall = threadStates != null;
            case alloc -> args.alloc = true;
            case lock -> args.lock = true;
        }
        // The library reads 0 as "not set"; jflame's own range checks happen before.
        if (selection.fromMillis() != null) {
            args.from = selection.fromMillis();
        }
        if (selection.toMillis() != null) {
            args.to = selection.toMillis();
        }
        return args;
    }

    private static void appendWithoutRunModes(String line, StringBuilder text) {
        int countAt = line.lastIndexOf(' ');
        if (countAt <= 0) {
            return;
        }
        int start = 0;
        while (start < countAt) {
            int end = line.indexOf(';', start);
            if (end < 0 || end > countAt) {
                end = countAt;
            }
            int nameEnd = end;
            for (String suffix : RUN_MODE_SUFFIXES) {
                if (line.startsWith(suffix, end - suffix.length()) && end - suffix.length() > start) {
                    nameEnd = end - suffix.length();
                    break;
                }
            }
            text.append(line, start, nameEnd).append(end < countAt ? ";" : "");
            start = end + 1;
        }
        text.append(line, countAt, line.length()).append('\n');
    }
}
