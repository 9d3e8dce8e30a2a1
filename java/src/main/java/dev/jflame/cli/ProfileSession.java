package dev.jflame.cli;

import dev.jflame.jvm.AgentOptions;
import dev.jflame.jvm.EmbeddedAgent;
import dev.jflame.jvm.JvmLaunch;
import dev.jflame.jvm.ProfiledJvm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One profiled run of an app: start it with the agent, wait for it, render what the agent
 * wrote. Ctrl-C reaches the app too (same process group); the app then writes its profile as
 * it shuts down, and jflame's own shutdown is held back until the graph is written.
 */
final class ProfileSession {
    private final ProfilerOptions profiler;
    private final ProfileOutput output;
    private final PrintWriter stdout;
    private final PrintWriter stderr;

    ProfileSession(ProfilerOptions profiler, ProfileOutput output, PrintWriter stdout, PrintWriter stderr) {
        this.profiler = profiler;
        this.output = output;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    int run(JvmLaunch launch) throws IOException, InterruptedException {
        Path workDir = Files.createTempDirectory("jflame-run");
        Path profileFile = workDir.resolve(ProfileSet.agentFileName("profile", output));
        ProfileSet profiles = new ProfileSet(List.of(), profileFile);
        try {
            AgentOptions options = profiler.toAgentOptions(profileFile);
            profiles = ProfileSet.forOutput(options, profileFile, output);
            profiles.checkOutput(output);
            Path agent = EmbeddedAgent.inTempDirectory().extract();
            try (ShutdownHold hold = new ShutdownHold()) {
                ProfiledJvm jvm = ProfiledJvm.start(launch, agent, options, System.err);
                int appExit = waitShowingTime(jvm);
                return render(profiles, appExit);
            }
        } finally {
            profiles.deleteQuietly();
            deleteQuietly(workDir);
        }
    }

    /**
     * Waits for the app; on a terminal, shows on stderr how long it has run. The app's own
     * output shares stderr, so the line is redrawn only every few seconds.
     */
    private int waitShowingTime(ProfiledJvm jvm) throws InterruptedException {
        try (Progress progress = Progress.onStderr(stderr)) {
            if (!progress.enabled()) {
                return jvm.waitFor();
            }
            long start = System.nanoTime();
            ProcessHandle app = ProcessHandle.of(jvm.pid()).orElse(null);
            while (app != null && app.isAlive()) {
                try {
                    app.onExit().get(5, TimeUnit.SECONDS);
                } catch (TimeoutException | ExecutionException stillRunning) {
                    progress.show("profiling for " + Progress.seconds((System.nanoTime() - start) / 1_000_000_000L)
                            + "; the graph is drawn when the app exits (Ctrl-C ends it)");
                }
            }
            return jvm.waitFor();
        }
    }

    private int render(ProfileSet profiles, int appExit) throws IOException {
        if (!profiles.render(output, stdout, stderr, "(did the app run long enough to be sampled?)")) {
            stderr.println("jflame: the app exited with code " + appExit + " and left no profile"
                    + (appExit == 0 ? "; see the agent's messages above" : ""));
            return appExit == 0 ? ExitCodes.NO_PROFILE : appExit;
        }
        return appExit;
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // A leftover temp file is harmless; failing the run over it is not.
        }
    }
}
