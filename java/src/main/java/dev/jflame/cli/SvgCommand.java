package dev.jflame.cli;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.Profile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jflame svg}: renders collapsed stacks (from jflame or any other tool) as a flame graph. */
@Command(
        name = "svg",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Render collapsed stacks ('root;caller;callee count' per line, plain or gzip) as an interactive",
            "SVG flame graph.",
            "",
            "  jflame svg profile.collapsed -o flame.svg",
            "  some-tool | jflame svg - > flame.svg",
        })
final class SvgCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptions output = new OutputOptions();

    @Parameters(index = "0", paramLabel = "IN", description = "Collapsed stacks file, or - for stdin.")
    String input;

    @Override
    public Integer call() throws Exception {
        ProfileOutput target = output.target();
        target.checkWritable();
        CollapsedParser parser = new CollapsedParser();
        Profile profile = "-".equals(input) ? parser.parse(System.in, "<stdin>") : parser.parse(Path.of(input));
        target.write(profile, spec.commandLine().getOut());
        return ExitCodes.OK;
    }
}
