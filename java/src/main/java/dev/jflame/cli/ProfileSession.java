package dev.jflame.cli;

import dev.jflame.agent.EmbeddedAgent;
import dev.jflame.agent.JvmLaunch;
import dev.jflame.agent.ProfiledJvm;
import dev.jflame.flamegraph.Profile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

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
        output.checkWritable();
        Path agent = EmbeddedAgent.inTempDirectory().extract();
        Path workDir = Files.createTempDirectory("jflame-run");
        Path profileFile = workDir.resolve("profile.collapsed");
        try (ShutdownHold hold = new ShutdownHold()) {
            ProfiledJvm jvm = ProfiledJvm.start(launch, agent, profiler.toAgentOptions(profileFile), System.err);
            int appExit = jvm.waitFor();
            return render(profileFile, appExit);
        } finally {
            deleteQuietly(profileFile);
            deleteQuietly(workDir);
        }
    }

    private int render(Path profileFile, int appExit) throws IOException {
        if (!Files.isRegularFile(profileFile)) {
            stderr.println("jflame: the app exited with code " + appExit + " and left no profile"
                    + (appExit == 0 ? "; see the agent's messages above" : ""));
            return appExit == 0 ? ExitCodes.NO_PROFILE : appExit;
        }
        Profile profile = output.read(profileFile);
        if (profile.stacks().isEmpty()) {
            stderr.println("jflame: the profile holds no samples (did the app run long enough to be sampled?)");
        }
        output.write(profile, stdout);
        if (output.file() != null) {
            stderr.println("jflame: wrote " + output.file());
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
