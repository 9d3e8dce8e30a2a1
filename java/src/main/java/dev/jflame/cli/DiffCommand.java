package dev.jflame.cli;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.DiffProfile;
import dev.jflame.flamegraph.Profile;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jflame diff}: a differential flame graph of two profiles of the same program. */
@Command(
        name = "diff",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Compare two profiles in one differential flame graph.",
        description = {
            "The graph has the shape (widths) of AFTER; each frame is red where its own samples grew and blue where "
                    + "they shrank, the stronger the larger the change. The tooltip gives both counts and the change "
                    + "in percent. A frame found in only one profile still appears. BEFORE is first scaled to AFTER's "
                    + "total, so that a longer recording does not look like growth everywhere (unless --no-normalize).",
            "",
            "  jflame diff before.collapsed after.collapsed -o diff.svg",
        },
        footerHeading = "%nExit codes:%n",
        footer = "  0 success, 1 a runtime failure, 2 a usage error (see jflame --help).")
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BEFORE", description = "The baseline profile (collapsed stacks), or -.")
    String before;

    @Parameters(index = "1", paramLabel = "AFTER", description = "The profile to compare with it (collapsed stacks), or -.")
    String after;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Mixin
    GraphOptions graph = new GraphOptions();

    @Option(names = "--no-normalize",
            description = "Compare raw counts instead of scaling BEFORE to AFTER's total.")
    boolean noNormalize;

    @Option(names = "--skip-bad-lines",
            description = "Skip malformed lines instead of failing on the first; they are counted on stderr.")
    boolean skipBadLines;

    @Override
    public Integer call() throws Exception {
        if ("-".equals(before) && "-".equals(after)) {
            throw new UsageError("only one of BEFORE and AFTER can be stdin (-)");
        }
        ProfileOutput target = output.target();
        target.checkWritable();
        CollapsedParser parser = target.parser();
        Profile beforeProfile = ProfileInput.read(before, parser, skipBadLines, spec.commandLine().getErr());
        Profile afterProfile = ProfileInput.read(after, parser, skipBadLines, spec.commandLine().getErr());
        DiffProfile diff = DiffProfile.between(beforeProfile, afterProfile);
        target.write(noNormalize ? diff : diff.normalized(), spec.commandLine().getOut());
        target.reportWritten(spec.commandLine().getErr());
        return ExitCodes.OK;
    }
}
