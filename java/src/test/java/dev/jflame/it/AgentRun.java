package dev.jflame.it;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.Profile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Runs a test workload in a real child JVM with the agent loaded by {@code -agentpath}, the
 * way users load it. The agent comes from the build (system property {@code jflame.agent}),
 * the workloads from the test classes.
 */
public record AgentRun(int exitCode, String stdout, String stderr, Path profileFile) {
    static final long TIMEOUT_SECONDS = 120;

    public static Path agentLibrary() {
        return Path.of(required("jflame.agent"));
    }

    public static String testClasses() {
        return required("jflame.testClasses");
    }

    /** A real runnable jar of the test workloads at {@code jar}, with the given main class. */
    public static Path workloadJar(Path jar, String mainClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        Path classes = Path.of(testClasses());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                Stream<Path> files = Files.walk(classes.resolve("dev/jflame/workload"))) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString()));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return jar;
    }

    public static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set (run the tests through Maven)");
        }
        return value;
    }

    /** Runs {@code mainClass} with the agent and the given options (file= is added here). */
    public static AgentRun run(Path workDir, String agentOptions, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        return run(workDir, agentOptions, Map.of(), mainClass, args);
    }

    /** As {@link #run(Path, String, Class, String...)}, with variables added to the JVM's environment. */
    public static AgentRun run(Path workDir, String agentOptions, Map<String, String> environment, Class<?> mainClass,
            String... args) throws IOException, InterruptedException {
        return exec(workDir, command(workDir, agentOptions, mainClass, args), environment, profilePath(workDir));
    }

    /** Where {@link #run} and {@link #command} have the agent write the profile. */
    static Path profilePath(Path workDir) {
        return workDir.resolve("profile.collapsed");
    }

    /** The command line {@link #run} starts: the workload in a JVM with the agent. */
    static List<String> command(Path workDir, String agentOptions, Class<?> mainClass, String... args) {
        Path profile = profilePath(workDir);
        String options = agentOptions.isEmpty() ? "file=" + profile : agentOptions + ",file=" + profile;
        List<String> cmd = new ArrayList<>(List.of(java().toString(),
                "-agentpath:" + agentLibrary() + "=" + options,
                "-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints",
                "-cp", testClasses(), mainClass.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static AgentRun exec(Path workDir, List<String> cmd, Path profile) throws IOException, InterruptedException {
        return exec(workDir, cmd, Map.of(), profile);
    }

    static AgentRun exec(Path workDir, List<String> cmd, Map<String, String> environment, Path profile)
            throws IOException, InterruptedException {
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw HangReport.timedOut(p, cmd);
        }
        return new AgentRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), profile);
    }

    public Profile profile() throws IOException {
        if (!Files.exists(profileFile)) {
            throw new AssertionError("no profile written; exit " + exitCode + ", stderr:\n" + stderr);
        }
        return new CollapsedParser().parse(profileFile);
    }

    /** The number after {@code # key:} in a profile's header; fails the test when it is missing. */
    static long metaNumber(Profile profile, String key) {
        return Long.parseLong(profile.meta(key).orElseThrow(() -> new AssertionError("no '# " + key + ":' header")));
    }
}
