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
        header = "A low-overhead sampling profiler for the JVM that draws flame graphs.",
        description = {
            "Turns a Java program into an interactive flame graph.",
            "",
            "  jflame app.jar [ARGS...]         profile an app: same as 'jflame run app.jar'",
            "  jflame demo > flame.svg          profile the built-in demo",
            "  jflame COMMAND --help            a command's options",
        },
        subcommands = {RunCommand.class, DemoCommand.class, AttachCommand.class, TopCommand.class, SvgCommand.class,
            DiffCommand.class, ConvertCommand.class, DumpCommand.class, ListCommand.class, CompletionCommand.class},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExit codes (every command):%n",
        footer = {
            "  0   success",
            "  1   a runtime failure: unreadable or malformed input, unwritable output, a",
            "      JVM that cannot be attached to, an agent failure",
            "  2   a usage error: unknown command or option, a bad value (--depth 0,",
            "      top -n 0), options that do not go together (diff - -)",
            "  3   run and demo: the app exited 0 but left no profile",
            "  N   run and demo: the app's own non-zero exit code (the graph is still",
            "      written)",
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
        // A bare `jflame` is a usage error: the usage goes to stderr, as for any other.
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }
}
