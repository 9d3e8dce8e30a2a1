package dev.jflame.cli;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.Profile;
import dev.jflame.report.MethodTable;
import dev.jflame.report.TableFormat;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jflame top}: the top methods of a profile as a table, like the classic profilers' report. */
@Command(
        name = "top",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Print the top methods of a profile (collapsed stacks, plain or gzip): self samples (the method was",
            "executing), total samples (it was anywhere on the stack; recursion counts once per stack), and",
            "their shares of all samples.",
            "",
            "  jflame top profile.collapsed",
            "  jflame top --sort total -n 50 --format csv profile.collapsed",
        })
final class TopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROFILE", description = "Collapsed stacks file, or - for stdin.")
    String input;

    @Option(names = "--sort", defaultValue = "self", paramLabel = "KEY",
            description = "Sort by ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    MethodTable.Order sort;

    @Option(names = {"-n", "--limit"}, defaultValue = "20", paramLabel = "N",
            description = "Show the top N rows (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--lines", description = "A row per source line, where the profile has lines (recorded with --lines).")
    boolean lines;

    @Option(names = "--threads", description = "A row per thread and method (the profile must be recorded with --threads).")
    boolean threads;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    TableFormat format;

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw new UserError("-n must be at least 1, got " + limit);
        }
        Profile profile = ProfileInput.read(input, new CollapsedParser(), false, spec.commandLine().getErr());
        MethodTable table;
        try {
            table = MethodTable.of(profile, lines, threads);
        } catch (IllegalArgumentException e) {
            throw new UserError(input + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        format.write(table, table.top(sort, limit), profile.meta("units").orElse("samples"), threads, out);
        out.flush();
        return ExitCodes.OK;
    }
}
