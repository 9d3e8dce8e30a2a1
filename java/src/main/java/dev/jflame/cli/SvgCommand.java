package dev.jflame.cli;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.TreeProfile;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jflame svg}: renders collapsed stacks (from jflame or any other tool) as a flame graph. */
@Command(
        name = "svg",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        header = "Render collapsed stacks as an SVG or HTML flame graph.",
        description = {
            "Reads collapsed stacks ('root;caller;callee count' per line) and writes an interactive SVG flame graph, "
                    + "or async-profiler's HTML flame graph (--format html, or -o NAME.html).",
            "Input may be plain, gzip, bzip2 or xz (recognised by content). The '# key: value' header lines jflame "
                    + "writes give the title, units and colours; input without them is read as flamegraph.pl input. "
                    + "Frames may contain spaces: the count is the last field.",
            "",
            "  jflame svg profile.collapsed -o flame.svg",
            "  jflame svg --minwidth 0 --colors hot profile.collapsed.gz > flame.svg",
            "  some-tool | jflame svg - > flame.svg",
        },
        footerHeading = "%nExit codes:%n",
        footer = "  0 success, 1 a runtime failure, 2 a usage error (see jflame --help).")
final class SvgCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "Collapsed stacks file, or - for stdin.")
    String input;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Mixin
    GraphOptions graph = new GraphOptions();

    @Option(names = "--skip-bad-lines",
            description = "Skip malformed lines instead of failing on the first; they are counted on stderr.")
    boolean skipBadLines;

    @Override
    public Integer call() throws Exception {
        ProfileOutput target = output.target();
        target.checkWritable();
        PrintWriter stderr = spec.commandLine().getErr();
        if (target.format() == OutputFormat.SVG) {
            // The fast path: no stacks are kept, the input goes straight into the tree.
            TreeProfile tree = ProfileInput.readTree(input, target.parser(), target.shape(), skipBadLines, stderr);
            target.write(tree, spec.commandLine().getOut());
            target.reportWritten(stderr);
            return ExitCodes.OK;
        }
        Profile profile = ProfileInput.read(input, target.parser(), skipBadLines, stderr);
        target.write(profile, spec.commandLine().getOut());
        target.reportWritten(stderr);
        return ExitCodes.OK;
    }
}
