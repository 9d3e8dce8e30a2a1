package dev.jflame.cli;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/** An unknown option or missing argument: the message, a hint to --help, exit code 2. */
final class UsageErrorReporter implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        cli.getErr().println("jflame: " + ex.getMessage());
        cli.getErr().println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
        cli.getErr().flush();
        return ExitCodes.USAGE;
    }
}
