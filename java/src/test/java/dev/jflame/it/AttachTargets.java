package dev.jflame.it;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.Profile;
import dev.jflame.workload.AttachTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers for the attach tests: a target JVM started without any agent, and jflame runs against it. */
final class AttachTargets {
    private AttachTargets() {
    }

    /** A running {@link AttachTarget}; {@link #finish} lets it end and returns how it ended. */
    record Target(Process process, Path stopFile, Path stdout, Path stderr) {
        long pid() {
            return process.pid();
        }

        Ended finish() throws IOException, InterruptedException {
            Files.writeString(stopFile, "stop");
            try {
                if (!process.waitFor(AgentRun.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw HangReport.timedOut(process, List.of("attach target " + process.pid()));
                }
            } finally {
                Files.deleteIfExists(stopFile);
            }
            return new Ended(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        }

        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    record Ended(int exitCode, String stdout, String stderr) {
    }

    /** Starts AttachTarget for at most `seconds`, with extra JVM options, and waits until it is ready. */
    static Target start(Path workDir, int seconds, List<String> prefix, String... jvmOptions)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(AgentRun.java().toString());
        cmd.addAll(List.of(jvmOptions));
        // Not under /tmp: a target in a container has a /tmp of its own.
        Path stop = Path.of(AgentRun.testClasses()).resolveSibling("attach-stop-" + System.nanoTime());
        cmd.addAll(List.of("-cp", AgentRun.testClasses(), AttachTarget.class.getName(), Integer.toString(seconds),
                stop.toString()));
        Path out = workDir.resolve("target.stdout");
        Path err = workDir.resolve("target.stderr");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        Target target = new Target(p, stop, out, err);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains("ready")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                target.kill();
                throw new AssertionError("the target did not start: " + Files.readString(err));
            }
            Thread.sleep(50);
        }
        return target;
    }

    static Target start(Path workDir, int seconds, String... jvmOptions) throws IOException, InterruptedException {
        return start(workDir, seconds, List.of(), jvmOptions);
    }

    /** Runs the packaged jflame with JVM options for jflame itself (before -jar) and arguments. */
    static Jflame jflame(Path workDir, List<String> prefix, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(AgentRun.java().toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", Jflame.jar().toString()));
        cmd.addAll(List.of(args));
        return Jflame.exec(workDir, cmd);
    }

    static Jflame jflame(Path workDir, String... args) throws IOException, InterruptedException {
        return jflame(workDir, List.of(), List.of(), args);
    }

    static Profile profile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new AssertionError("no profile at " + file);
        }
        return new CollapsedParser().parse(file);
    }

    static long samplesOf(Profile profile) {
        return profile.stacks().stream().mapToLong(s -> s.count()).sum();
    }
}
