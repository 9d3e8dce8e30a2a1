package dev.jflame.flamegraph;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * metadata, other {@code #} comments, blank lines and LF, CR or CRLF endings. Each remaining
 * data line goes to a handler, one line at a time, as bytes ({@link RawLineHandler}) or as
 * text ({@link DataLineHandler}): nothing but the current line is held. Bytes that are not
 * UTF-8 become U+FFFD when decoded ({@link #decode}).
 */
final class CollapsedLines {

    /** Receives one non-blank, non-comment line with its 1-based line number. */
    interface DataLineHandler {
        void accept(String line, long lineNumber) throws MalformedProfileException;
    }

    /**
     * Receives one non-blank, non-comment line as {@code bytes[start, end)}, without its line
     * ending. The array is reused for the next line; {@code bytes[end]} is the line ending.
     */
    interface RawLineHandler {
        void accept(byte[] bytes, int start, int end, long lineNumber) throws MalformedProfileException;
    }

    private static final Pattern METADATA = Pattern.compile("#\\s*([A-Za-z0-9_.\\-]+)\\s*:\\s?(.*)");
    private static final int ECHO_LIMIT = 80;
    private static final int BUFFER_SIZE = 1 << 16;
    private static final Set<String> COMPRESSIONS = Set.of(
            CompressorStreamFactory.GZIP, CompressorStreamFactory.BZIP2, CompressorStreamFactory.XZ);

    private CollapsedLines() {
    }

    /** Like {@link #read(InputStream, String, RawLineHandler, Consumer)}, each line decoded to text. */
    static Map<String, String> read(InputStream in, String sourceName, DataLineHandler handler,
            Consumer<MalformedProfileException> badLines) throws IOException {
        return read(in, sourceName,
                (bytes, start, end, lineNumber) -> handler.accept(decode(bytes, start, end), lineNumber), badLines);
    }

    /**
     * Reads all of {@code in} (not closed) and returns its metadata in file order.
     *
     * @param sourceName names the input in errors: a corrupt or truncated compressed stream is
     *                 reported as {@code source:line: ...} like any other bad input
     * @param badLines if not null, receives each line the handler rejects, and reading goes on;
     *                 if null, the first rejected line ends the read with its exception
     */
    static Map<String, String> read(InputStream in, String sourceName, RawLineHandler handler,
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

    private static Map<String, String> readLines(InputStream in, RawLineHandler handler,
            Consumer<MalformedProfileException> badLines, long[] lineNumber) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        InputStream source = decompressed(in);
        byte[] buffer = new byte[BUFFER_SIZE];
        int start = 0;
        int limit = 0;
        int scanned = 0;
        boolean eof = false;
        boolean afterCarriageReturn = false;
        while (true) {
            int end = scanned;
            while (end < limit && buffer[end] != '\n' && buffer[end] != '\r') {
                end++;
            }
            if (end == limit) {
                if (!eof) {
                    // No complete line in the buffer: keep the partial one, make room, read more.
                    if (start > 0) {
                        System.arraycopy(buffer, start, buffer, 0, limit - start);
                        limit -= start;
                        end -= start;
                        start = 0;
                    } else if (limit == buffer.length) {
                        buffer = Arrays.copyOf(buffer, buffer.length * 2);
                    }
                    int read = source.read(buffer, limit, buffer.length - limit);
                    if (read < 0) {
                        eof = true;
                    } else {
                        limit += read;
                    }
                    scanned = end;
                    continue;
                }
                if (start == limit) {
                    return metadata;
                }
                // The last line has no ending: give it one, so that every line is followed by one.
                if (limit == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length + 1);
                }
                buffer[limit++] = '\n';
            }
            if (afterCarriageReturn && end == start && buffer[start] == '\n') {
                // The LF of a CRLF ending: not a line of its own.
                afterCarriageReturn = false;
                start++;
                scanned = start;
                continue;
            }
            afterCarriageReturn = buffer[end] == '\r';
            lineNumber[0]++;
            line(buffer, start, end, lineNumber[0], handler, badLines, metadata);
            start = end + 1;
            scanned = start;
        }
    }

    private static void line(byte[] bytes, int start, int end, long lineNumber, RawLineHandler handler,
            Consumer<MalformedProfileException> badLines, Map<String, String> metadata)
            throws MalformedProfileException {
        if (isBlank(bytes, start, end)) {
            return;
        }
        if (bytes[start] == '#') {
            Matcher meta = METADATA.matcher(decode(bytes, start, end));
            if (meta.matches()) {
                metadata.put(meta.group(1), meta.group(2).strip());
            }
            return;
        }
        if (badLines == null) {
            handler.accept(bytes, start, end, lineNumber);
        } else {
            try {
                handler.accept(bytes, start, end, lineNumber);
            } catch (MalformedProfileException bad) {
                badLines.accept(bad);
            }
        }
    }

    /** {@link String#isBlank()} of the decoded line, decoding only when non-ASCII bytes could decide it. */
    private static boolean isBlank(byte[] bytes, int start, int end) {
        for (int i = start; i < end; i++) {
            byte b = bytes[i];
            if (b < 0) {
                return decode(bytes, start, end).isBlank();
            }
            if (!Character.isWhitespace(b)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code bytes[start, end)} as text, malformed UTF-8 replaced by U+FFFD exactly as a decoder
     * reading the whole stream would: a sequence cut short by the byte after {@code end} (an
     * ASCII delimiter such as ';' or the line ending) is decoded with that byte in view, so
     * {@code bytes[end]}, if it exists, must be the input byte that followed the range.
     */
    static String decode(byte[] bytes, int start, int end) {
        for (int i = start; i < end; i++) {
            if (bytes[i] < 0) {
                if (end < bytes.length) {
                    String withNext = new String(bytes, start, end + 1 - start, StandardCharsets.UTF_8);
                    return withNext.substring(0, withNext.length() - 1);
                }
                return new String(bytes, start, end - start, StandardCharsets.UTF_8);
            }
        }
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, BUFFER_SIZE);
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

    /** Index of the last space or tab in {@code bytes[start, end)}, or -1. */
    static int lastBlank(byte[] bytes, int start, int end) {
        for (int i = end - 1; i >= start; i--) {
            if (bytes[i] == ' ' || bytes[i] == '\t') {
                return i;
            }
        }
        return -1;
    }

    /** End of {@code bytes[start, end)} once trailing spaces and tabs are dropped. */
    static int trimmedEnd(byte[] bytes, int start, int end) {
        int i = end;
        while (i > start && (bytes[i - 1] == ' ' || bytes[i - 1] == '\t')) {
            i--;
        }
        return i;
    }
}
