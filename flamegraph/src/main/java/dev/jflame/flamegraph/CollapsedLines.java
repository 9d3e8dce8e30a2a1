package dev.jflame.flamegraph;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * Reads the line structure shared by the plain and differential collapsed formats: plain,
 * gzip, bzip2 or xz input (told apart by content, not by file name), {@code # key: value}
 * metadata, other {@code #} comments, blank lines and CRLF endings. Each remaining data line
 * goes to a {@link DataLineHandler}, one line at a time: nothing but the current line is held.
 * Bytes that are not UTF-8 become U+FFFD.
 */
final class CollapsedLines {

    /** Receives one non-blank, non-comment line with its 1-based line number. */
    interface DataLineHandler {
        void accept(String line, long lineNumber) throws MalformedProfileException;
    }

    private static final Pattern METADATA = Pattern.compile("#\\s*([A-Za-z0-9_.\\-]+)\\s*:\\s?(.*)");
    private static final int ECHO_LIMIT = 80;
    private static final Set<String> COMPRESSIONS = Set.of(
            CompressorStreamFactory.GZIP, CompressorStreamFactory.BZIP2, CompressorStreamFactory.XZ);

    private CollapsedLines() {
    }

    /**
     * Reads all of {@code in} (not closed) and returns its metadata in file order.
     *
     * @param sourceName names the input in errors: a corrupt or truncated compressed stream is
     *                 reported as {@code source:line: ...} like any other bad input
     * @param badLines if not null, receives each line the handler rejects, and reading goes on;
     *                 if null, the first rejected line ends the read with its exception
     */
    static Map<String, String> read(InputStream in, String sourceName, DataLineHandler handler,
            Consumer<MalformedProfileException> badLines) throws IOException {
        long[] lineNumber = {0};
        try {
            return readLines(in, handler, badLines, lineNumber);
        } catch (MalformedProfileException bad) {
            throw bad;
        } catch (IOException | RuntimeException unreadable) {
            // A corrupt or truncated compressed stream: the decompressor names no input or line.
            throw new MalformedProfileException(sourceName, lineNumber[0] + 1,
                    "unreadable input: " + unreadable.getMessage());
        }
    }

    private static Map<String, String> readLines(InputStream in, DataLineHandler handler,
            Consumer<MalformedProfileException> badLines, long[] lineNumber) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        // InputStreamReader replaces malformed UTF-8 with U+FFFD rather than failing.
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(decompressed(in), StandardCharsets.UTF_8), 1 << 16);
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber[0]++;
            if (line.isBlank()) {
                continue;
            }
            if (line.charAt(0) == '#') {
                Matcher meta = METADATA.matcher(line);
                if (meta.matches()) {
                    metadata.put(meta.group(1), meta.group(2).strip());
                }
                continue;
            }
            if (badLines == null) {
                handler.accept(line, lineNumber[0]);
            } else {
                try {
                    handler.accept(line, lineNumber[0]);
                } catch (MalformedProfileException bad) {
                    badLines.accept(bad);
                }
            }
        }
        return metadata;
    }

    private static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        String compression;
        try {
            compression = CompressorStreamFactory.detect(buffered);
        } catch (CompressorException notCompressed) {
            return buffered;
        }
        if (!COMPRESSIONS.contains(compression)) {
            // Other signatures (lzma, snappy, ...) are weak enough to match ordinary text.
            return buffered;
        }
        try {
            // Members may be concatenated (e.g. `cat a.gz b.gz`); read them all.
            return new CompressorStreamFactory(true).createCompressorInputStream(compression, buffered);
        } catch (CompressorException | LinkageError unreadable) {
            throw new IOException("cannot decompress " + compression + " input: " + unreadable.getMessage(), unreadable);
        }
    }

    /**
     * The line as it may appear in an error message: shortened, with control characters made
     * visible so a hostile profile cannot drive the user's terminal.
     */
    static String echo(String line) {
        String shown = line.length() > ECHO_LIMIT ? line.substring(0, ECHO_LIMIT) + "..." : line;
        StringBuilder out = new StringBuilder(shown.length());
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }

    /** Index of the last space or tab in {@code line} before {@code end}, or -1. */
    static int lastBlank(String line, int end) {
        for (int i = end - 1; i >= 0; i--) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                return i;
            }
        }
        return -1;
    }

    /** Length of {@code line} once trailing spaces and tabs are dropped. */
    static int trimmedEnd(String line, int end) {
        int i = end;
        while (i > 0 && (line.charAt(i - 1) == ' ' || line.charAt(i - 1) == '\t')) {
            i--;
        }
        return i;
    }
}
