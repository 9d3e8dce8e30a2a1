package dev.jflame.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        HelpSections.install(cli);
        return cli;
    }

    /**
     * `jflame app.jar` means `jflame run app.jar`: picocli has no default subcommand, so `run` is
     * inserted when the first argument (after any --verbose) is what only `run` takes: an app
     * ({@link #isJar}) or an option that is not one of jflame's own (-h, -V), such as -cp or -o;
     * an unknown option is then reported by `run`, with its options as suggestions. Any other
     * word is left to picocli, which reports an unknown command with "Did you mean".
     */
    static String[] withDefaultCommand(CommandLine cli, String[] args) {
        int first = 0;
        while (first < args.length && args[first].equals(ErrorReporter.VERBOSE)) {
            first++;
        }
        if (first == args.length) {
            return args;
        }
        String word = args[first];
        boolean runs = word.startsWith("-") ? !TOP_LEVEL_FLAGS.contains(word)
                : !cli.getSubcommands().containsKey(word) && isJar(word);
        if (!runs) {
            return args;
        }
        List<String> withRun = new ArrayList<>(args.length + 1);
        withRun.add("run");
        withRun.addAll(List.of(args));
        return withRun.toArray(String[]::new);
    }

    /** A name ending in .jar, or an existing file that is a zip archive (a jar by another name). */
    static boolean isJar(String word) {
        if (word.toLowerCase(Locale.ROOT).endsWith(".jar")) {
            return true;
        }
        Path file;
        try {
            file = Path.of(word);
        } catch (InvalidPathException notAPath) {
            return false;
        }
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }
}
