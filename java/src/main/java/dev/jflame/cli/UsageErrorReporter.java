package dev.jflame.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * An unknown command or option, a bad value, a missing argument: the message, picocli's
 * "Did you mean" where a name was mistyped, a hint to --help, exit code 2.
 */
final class UsageErrorReporter implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        cli.getErr().println("jflame: " + ex.getMessage());
        String unknownCommand = cli.getParent() == null && ex instanceof UnmatchedArgumentException unmatched
                && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")
                ? unmatched.getUnmatched().get(0) : null;
        if (unknownCommand != null) {
            List<String> near = nearCommands(unknownCommand, cli.getSubcommands().keySet());
            if (near.isEmpty()) {
                cli.getErr().println("To profile an app: jflame app.jar [ARGS...], or jflame -cp CLASSPATH MainClass [ARGS...].");
            } else {
                cli.getErr().println("Did you mean: " + String.join(" or ", near.stream().map(c -> "jflame " + c).toList())
                        + "?");
            }
        } else {
            UnmatchedArgumentException.printSuggestions(ex, cli.getErr());
        }
        cli.getErr().println(helpHint(cli));
        cli.getErr().flush();
        return ExitCodes.USAGE;
    }

    /**
     * The commands within two edits (insert, delete, replace, swap two neighbours) of a
     * mistyped one: {@code sgv} is {@code svg}. picocli's own suggestions compare letter pairs,
     * which finds nothing for a swap in a short word.
     */
    static List<String> nearCommands(String typed, Collection<String> commands) {
        List<String> near = new ArrayList<>();
        for (String command : commands) {
            if (editDistance(typed, command) <= Math.min(2, Math.max(1, command.length() / 3))) {
                near.add(command);
            }
        }
        return near;
    }

    /** Optimal string alignment distance: Levenshtein plus swaps of neighbouring letters. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    static String helpHint(CommandLine cli) {
        return "Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.";
    }
}
