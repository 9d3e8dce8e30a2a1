package dev.jflame.flamegraph;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads the line structure shared by the plain and differential collapsed formats: plain or
 * gzip input, {@code # key: value} metadata, other {@code #} comments, blank lines and CRLF
 * endings. Each remaining data line goes to a {@link DataLineHandler}.
 */
final class CollapsedLines {

    /** Receives one non-blank, non-comment line with its 1-based line number. */
    interface DataLineHandler {
        void accept(String line, long lineNumber) throws MalformedProfileException;
    }

    private static final Pattern METADATA = Pattern.compile("#\\s*([A-Za-z0-9_.\\-]+)\\s*:\\s?(.*)");
    private static final int ECHO_LIMIT = 80;

    private CollapsedLines() {
    }

    /** Reads all of {@code in} (not closed) and returns its metadata in file order. */
    static Map<String, String> read(InputStream in, DataLineHandler handler) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(decompressIfGzip(in), StandardCharsets.UTF_8), 1 << 16);
        long lineNumber = 0;
        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
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
            handler.accept(line, lineNumber);
        }
        return metadata;
    }

    private static InputStream decompressIfGzip(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        int first = buffered.read();
        int second = buffered.read();
        buffered.reset();
        if (first == 0x1f && second == 0x8b) {
            // gzip members may be concatenated (e.g. `cat a.gz b.gz`); read them all
            return GzipCompressorInputStream.builder().setInputStream(buffered).setDecompressConcatenated(true).get();
        }
        return buffered;
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
