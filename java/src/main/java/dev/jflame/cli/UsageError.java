package dev.jflame.cli;

/**
 * A command line that cannot work as given (a bad value, options that do not go together),
 * found after parsing: reported like picocli's own usage errors, exit code 2.
 */
final class UsageError extends UserError {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
        super(message);
    }
}
