package dev.jflame.jvm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What to start under the profiler: a java executable, extra JVM options, and either
 * {@code -jar app.jar} or {@code -cp CLASSPATH Main}, then the app's own arguments.
 */
public record JvmLaunch(Path java, List<String> jvmOptions, List<String> mainSelection, List<String> appArgs) {
    public JvmLaunch {
        jvmOptions = List.copyOf(jvmOptions);
        mainSelection = List.copyOf(mainSelection);
        appArgs = List.copyOf(appArgs);
    }

    public static JvmLaunch jar(Path java, List<String> jvmOptions, Path jar, List<String> appArgs) {
        return new JvmLaunch(java, jvmOptions, List.of("-jar", jar.toString()), appArgs);
    }

    public static JvmLaunch mainClass(Path java, List<String> jvmOptions, String classpath, String mainClass,
            List<String> appArgs) {
        return new JvmLaunch(java, jvmOptions, List.of("-cp", classpath, mainClass), appArgs);
    }

    /** The java that runs jflame itself: the natural default for the app. */
    public static Path currentJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The full command line, with the agent loaded at start. */
    public List<String> command(Path agentLibrary, AgentOptions options) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("-agentpath:" + agentLibrary.toAbsolutePath() + "=" + options.toAgentArgument());
        // Without these, HotSpot records debug info only at safepoints, and samples in inlined
        // code would be charged to the method the code was inlined into.
        cmd.add("-XX:+UnlockDiagnosticVMOptions");
        cmd.add("-XX:+DebugNonSafepoints");
        cmd.addAll(jvmOptions);
        cmd.addAll(mainSelection);
        cmd.addAll(appArgs);
        return cmd;
    }
}
