package dev.jflame.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The top-level {@code jflame} command: only lists the subcommands. */
@Command(
        name = "jflame",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Low-overhead sampling profiler for the JVM: turns a Java program into an interactive flame graph.",
            "",
            "  jflame app.jar [args...]            profile an app (same as 'jflame run app.jar')",
            "  jflame demo > flame.svg             profile the built-in demo",
        },
        subcommands = {RunCommand.class, DemoCommand.class, SvgCommand.class, TopCommand.class, ConvertCommand.class, DiffCommand.class,
            AttachCommand.class, DumpCommand.class, ListCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0   success (for run/demo: the app exited 0 and the graph was written)",
            "  1   an error: unreadable or malformed input, unwritable output, agent failure",
            "  2   bad command line (unknown option, missing argument)",
            "  3   the app exited 0 but produced no profile (the agent could not sample it)",
            "  N   for run/demo: the app's own non-zero exit code (the graph is still written)",
        })
final class JflameCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Read by {@link ErrorReporter} from the parse result; inherited, so every command takes it. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print its stack trace after the one-line message.")
    boolean verbose;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }
}
