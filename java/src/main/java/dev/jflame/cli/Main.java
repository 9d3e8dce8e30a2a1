package dev.jflame.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/** Entry point of the jflame jar: dispatches to the subcommands, with {@code run} as the default. */
public final class Main {
    private static final Set<String> TOP_LEVEL_FLAGS = Set.of("-h", "--help", "-V", "--version");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs jflame with the given streams and returns its exit code; used by tests too. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = newCommandLine(out, err);
        return cli.execute(withDefaultCommand(cli, args));
    }

    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new JflameCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new ErrorReporter());
        cli.setParameterExceptionHandler(new UsageErrorReporter());
        // Everything after the app (its jar or main class) belongs to the app, options included.
        cli.getSubcommands().get("run").setStopAtPositional(true);
        return cli;
    }

    /**
     * `jflame app.jar` means `jflame run app.jar`: picocli has no default subcommand, so it is
     * inserted here when the first argument names no subcommand and is no top-level flag.
     */
    static String[] withDefaultCommand(CommandLine cli, String[] args) {
        if (args.length == 0) {
            return args;
        }
        String first = args[0];
        if (cli.getSubcommands().containsKey(first) || TOP_LEVEL_FLAGS.contains(first)) {
            return args;
        }
        List<String> withRun = new ArrayList<>(args.length + 1);
        withRun.add("run");
        withRun.addAll(List.of(args));
        return withRun.toArray(String[]::new);
    }
}
