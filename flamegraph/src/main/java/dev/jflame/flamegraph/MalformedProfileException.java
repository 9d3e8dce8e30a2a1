package dev.jflame.flamegraph;

import java.io.IOException;

/**
 * A line of profile input could not be understood. The message starts with
 * {@code source:line:} so editors and terminals can jump to it.
 */
public final class MalformedProfileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final long lineNumber;

    public MalformedProfileException(String source, long lineNumber, String problem) {
        super(source + ":" + lineNumber + ": " + problem);
        this.source = source;
        this.lineNumber = lineNumber;
    }

    public String source() {
        return source;
    }

    public long lineNumber() {
        return lineNumber;
    }
}
