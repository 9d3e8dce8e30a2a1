package dev.jflame.cli;

/** A problem the user can fix (bad input, unwritable path): reported as one line, exit code 1
 * ({@link UsageError}: 2). */
class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserError(String message) {
        super(message);
    }

    UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
