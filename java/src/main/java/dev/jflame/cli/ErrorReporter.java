package dev.jflame.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures inside a command into one clear line on stderr and exit code 1 (2 for a
 * {@link UsageError}, with a hint to --help); the stack
 * trace follows only when {@code --verbose} was given, for a bug report.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
    static final String VERBOSE = "--verbose";

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parsed) {
        cli.getErr().println("jflame: " + describe(ex));
        boolean usage = ex instanceof UsageError;
        if (usage) {
            cli.getErr().println(UsageErrorReporter.helpHint(cli));
        }
        if (verbose(parsed)) {
            ex.printStackTrace(cli.getErr());
        }
        cli.getErr().flush();
        return usage ? ExitCodes.USAGE : ExitCodes.ERROR;
    }

    /** Whether --verbose was given at any level: {@code jflame --verbose svg} or {@code jflame svg --verbose}. */
    static boolean verbose(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable ex) {
        Throwable cause = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        if (cause instanceof UserError || cause instanceof IOException) {
            String msg = cause.getMessage();
            if (cause instanceof java.nio.file.NoSuchFileException) {
                return "no such file: " + msg;
            }
            if (cause instanceof java.nio.file.AccessDeniedException) {
                return "permission denied: " + msg;
            }
            return msg == null ? cause.getClass().getSimpleName() : msg;
        }
        return "internal error: " + cause;
    }
}
