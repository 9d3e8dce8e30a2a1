package dev.jflame.jvm;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The running profile of an attached JVM, read window by window for {@code jflame top PID}: each
 * {@link #next} asks the agent ({@code livecounts}) for the stacks counted since this reader's
 * previous request, so the agent neither stops nor writes its whole profile. If the JVM was not
 * being profiled, {@link #open} starts a profile and {@link #close} stops it again, leaving the
 * JVM as {@code attach PID stop} does; a profile someone else started is only read.
 */
public final class LiveProfile implements AutoCloseable {
    /** One window: its stacks (root first, thread roots if recorded) and the agent's numbers for it. */
    public record Window(Profile stacks, AgentStatus facts) {
        public long number(String key) {
            String value = facts.fact(key);
            try {
                return value.isEmpty() ? 0 : Long.parseLong(value);
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }

    private final AttachedJvm jvm;
    private final boolean ours;
    private final String sampling;
    private final Path file;
    private boolean closed;

    private LiveProfile(AttachedJvm jvm, boolean ours, String sampling, Path file) {
        this.jvm = jvm;
        this.ours = ours;
        this.sampling = sampling;
        this.file = file;
    }

    /**
     * Reads the JVM's running profile, or starts one with {@code options} (a time event; its
     * file is where the agent writes should the JVM exit meanwhile) if none runs.
     */
    public static LiveProfile open(AttachedJvm jvm, AgentOptions options) throws IOException {
        AgentStatus status = answered(jvm, jvm.request("status", ""));
        boolean ours = !status.running();
        if (ours) {
            status = answered(jvm, jvm.request("start", options.toAgentArgument()));
            if (status.message().startsWith("already profiling")) {
                ours = false;  // someone started one in between
            }
            status = answered(jvm, jvm.request("status", ""));
        }
        return new LiveProfile(jvm, ours, status.fact("sampling"), jvm.files().workFile("live.collapsed"));
    }

    /** Whether {@link #open} started the profile (and {@link #close} stops it). */
    public boolean ours() {
        return ours;
    }

    /** The profile's sampling options as the agent describes them ({@code event=cpu,interval=10ms,...}). */
    public String sampling() {
        return sampling;
    }

    /** The stacks counted since the previous call (the first: since the profile began). */
    public Window next() throws IOException {
        try {
            AgentStatus status = answered(jvm, jvm.request("livecounts", "file=" + jvm.files().inTarget(file)));
            return new Window(new CollapsedParser().parse(file), status);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Stops the profile if {@link #open} started it; the stop's profile file is a work file, deleted after. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (ours && TargetProcess.isAlive(jvm.pid())) {
            Path stopped = jvm.files().workFile("stopped.collapsed");
            AgentStatus status = jvm.request("stop", "file=" + jvm.files().inTarget(stopped));
            if (!status.ok() && !status.message().contains("not profiling")) {
                throw new IOException("JVM " + jvm.pid() + ": could not stop the profile: " + status.message());
            }
        }
    }

    private static AgentStatus answered(AttachedJvm jvm, AgentStatus status) throws IOException {
        if (!status.ok()) {
            throw new IOException("JVM " + jvm.pid() + ": " + status.message());
        }
        return status;
    }
}
