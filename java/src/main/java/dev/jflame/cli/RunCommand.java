package dev.jflame.cli;

import dev.jflame.jvm.JvmLaunch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jflame run}: starts an app under the profiler and renders its flame graph. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Run a Java app under the profiler and write its flame graph.",
        description = {
            "The graph goes to stdout unless -o is given. The app's stdout goes to jflame's stderr, so stdout carries "
                    + "nothing but the graph.",
            "",
            "  jflame run [OPTIONS] app.jar [ARGS...]",
            "  jflame run [OPTIONS] -cp CLASSPATH MainClass [ARGS...]",
            "  jflame [OPTIONS] app.jar [ARGS...]        ('run' may be left out)",
        },
        footerHeading = "%nExit codes:%n",
        footer = {"  the app's own exit code; 3 if it exited 0 but left no profile; 1 a runtime failure of jflame; "
                + "2 a usage error (see jflame --help)."})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ProfilerOptions profiler = new ProfilerOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Mixin
    GraphOptions graph = new GraphOptions();

    @Option(names = {"-cp", "--classpath", "--class-path"}, paramLabel = "CLASSPATH",
            description = "Run MainClass from this class path instead of a jar.")
    String classpath;

    @Option(names = {"-J", "--jvm-option"}, paramLabel = "OPTION",
            description = "An option for the app's JVM, e.g. -J-Xmx2g (repeatable).")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--java", paramLabel = "PATH",
            description = "The java executable that runs the app (default: the one running jflame).")
    Path java;

    @Parameters(index = "0", paramLabel = "APP.jar|MainClass", description = "The app: a jar, or a main class with -cp.")
    String app;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "The app's arguments.")
    List<String> appArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        profiler.check();
        ProfileSession session = new ProfileSession(profiler, output.target(), spec.commandLine().getOut(),
                spec.commandLine().getErr());
        return session.run(launch());
    }

    private JvmLaunch launch() {
        Path javaExe = java != null ? java : JvmLaunch.currentJava();
        if (classpath != null) {
            return JvmLaunch.mainClass(javaExe, jvmOptions, classpath, app, appArgs);
        }
        Path jar = Path.of(app);
        if (!Main.isJar(app)) {
            throw new UsageError("'" + app + "' is not a jar: give app.jar, or -cp CLASSPATH MainClass");
        }
        if (!Files.isRegularFile(jar)) {
            throw new UserError("no such jar: " + app);
        }
        return JvmLaunch.jar(javaExe, jvmOptions, jar, appArgs);
    }
}
