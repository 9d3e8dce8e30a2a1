package dev.jflame.jvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A child JVM running the app with the agent loaded. The app's stdin and stderr are the
 * user's; its stdout is copied to the given stream (jflame's stderr), so that jflame's own
 * stdout carries nothing but the flame graph.
 */
public final class ProfiledJvm {
    private final Process process;
    private final Thread stdoutPump;

    private ProfiledJvm(Process process, Thread stdoutPump) {
        this.process = process;
        this.stdoutPump = stdoutPump;
    }

    public static ProfiledJvm start(JvmLaunch launch, Path agentLibrary, AgentOptions options, OutputStream appStdout)
            throws IOException {
        List<String> command = launch.command(agentLibrary, options);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot start " + launch.java() + ": " + e.getMessage(), e);
        }
        Thread pump = new Thread(() -> copy(process.getInputStream(), appStdout), "jflame-app-stdout");
        pump.setDaemon(true);
        pump.start();
        return new ProfiledJvm(process, pump);
    }

    /** Waits for the app to end and for its output to be copied; returns its exit code. */
    public int waitFor() throws InterruptedException {
        int code = process.waitFor();
        stdoutPump.join();
        return code;
    }

    public long pid() {
        return process.pid();
    }

    private static void copy(InputStream from, OutputStream to) {
        byte[] buffer = new byte[8192];
        try (from) {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying the app's output", e);
        }
    }
}
