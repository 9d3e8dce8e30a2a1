package dev.jflame.cli;

import dev.jflame.demo.Demo;
import dev.jflame.jvm.JvmLaunch;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code jflame demo}: profiles the built-in demo, which needs nothing but jflame itself. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Profile the built-in demo app and write its flame graph.",
        description = {
            "The demo is a getNumber() generator feeding expensiveFunction() ten million XORs at a time, the "
                    + "classic first flame graph; it needs nothing but jflame itself.",
            "",
            "  jflame demo > flame.svg",
        },
        footerHeading = "%nExit codes:%n",
        footer = {"  as for run: 0 success, 1 a runtime failure, 2 a usage error, 3 no profile (see jflame --help)."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ProfilerOptions profiler = new ProfilerOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Mixin
    GraphOptions graph = new GraphOptions();

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "N",
            description = "How long the demo runs (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || seconds > 3600) {
            throw new UsageError("--seconds must be between 1 and 3600, got " + seconds);
        }
        profiler.check();
        JvmLaunch launch = JvmLaunch.mainClass(JvmLaunch.currentJava(), List.of(), ownClassPath(),
                Demo.class.getName(), List.of(Integer.toString(seconds)));
        return new ProfileSession(profiler, output.target(), spec.commandLine().getOut(), spec.commandLine().getErr())
                .run(launch);
    }

    /** The jar (or classes folder) jflame runs from: the demo class lives there too. */
    private static String ownClassPath() {
        try {
            return Path.of(Demo.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("jflame's own location is not a file path", e);
        }
    }
}
