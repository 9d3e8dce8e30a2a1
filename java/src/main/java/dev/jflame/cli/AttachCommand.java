package dev.jflame.cli;

import dev.jflame.jvm.AgentStatus;
import dev.jflame.jvm.AttachedJvm;
import dev.jflame.jvm.Interval;
import dev.jflame.jvm.TargetFiles;
import dev.jflame.jvm.TargetProcess;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code jflame attach}: profiles a JVM that is already running, through the JDK Attach API. */
@Command(
        name = "attach",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Profile a running JVM without restarting it.",
        description = {
            "Writes the JVM's flame graph to stdout unless -o is given.",
            "",
            "  jflame attach PID [-d 30s] [OPTIONS]   profile for a while (Ctrl-C stops",
            "                                         early), then draw",
            "  jflame attach PID start [OPTIONS]      start sampling and return",
            "  jflame attach PID dump [-o FILE]       draw the profile so far; sampling",
            "                                         goes on",
            "  jflame attach PID stop [-o FILE]       stop sampling and draw the profile",
            "  jflame attach PID status               is it sampling, how many samples",
            "",
            "For the threads' current stacks, see 'jflame dump PID'; 'jflame list' shows the JVMs to attach to.",
            "The agent stays loaded in the JVM; after stop it samples nothing and costs nothing. Code the JIT "
                    + "compiled before the first attach lacks debug information between safepoints, so samples in "
                    + "code inlined there may be charged to the caller; code compiled while sampling is exact. JDK 21 "
                    + "and later print a warning about a dynamically loaded agent on the JVM's stderr; start the JVM "
                    + "with -XX:+EnableDynamicAgentLoading to silence it.",
        },
        footerHeading = "%nExit codes:%n",
        footer = "  0 success; 1 the JVM cannot be profiled (the message says why) or another runtime failure; "
                + "2 a usage error.")
final class AttachCommand implements Callable<Integer> {
    enum Action { start, stop, dump, status }


    @Spec
    CommandSpec spec;

    @Mixin
    ProfilerOptions profiler = new ProfilerOptions();

    @Mixin
    OutputOptions output = new OutputOptions();

    @Mixin
    GraphOptions graph = new GraphOptions();

    @Parameters(index = "0", paramLabel = "PID", description = "The JVM's process id (see 'jflame list').")
    long pid;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ACTION",
            description = "start, stop, dump or status; without one, profile for --duration and draw.")
    Action action;

    @Option(names = {"-d", "--duration"}, defaultValue = "30s", paramLabel = "TIME",
            converter = DurationConverter.class,
            description = "How long to profile, a number with a unit: ms, s, m or h, e.g. 5m (default: "
                    + "${DEFAULT-VALUE}). Ctrl-C stops early and still draws the graph.")
    Interval duration;

    @Option(names = "--accumulate",
            description = "start: add to the profile of the previous start (same sampling options) instead of "
                    + "beginning a fresh one.")
    boolean accumulate;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (action == null || action == Action.start) {
            profiler.check();
        }
        if (action == null) {
            return profileFor(err);
        }
        if (action == Action.stop || action == Action.dump) {
            output.target().checkWritable();
        }
        try (AttachedJvm jvm = AttachedJvm.attach(pid)) {
            return switch (action) {
                case start -> start(jvm, err);
                case stop, dump -> draw(jvm, action.name(), err);
                case status -> status(jvm);
            };
        }
    }

    private int start(AttachedJvm jvm, PrintWriter err) throws IOException {
        TargetFiles files = jvm.files();
        // Where the agent writes the profile should the JVM exit before a stop.
        Path atExit = files.inTarget(files.tmpFile(ProfileSet.agentFileName("jflame-" + pid, output.target())));
        AgentStatus status = answered(jvm.request("start", agentOptions(atExit)));
        err.println("jflame: JVM " + pid + ": " + status.message() + attachCost(status));
        ProfileSet profiles = ProfileSet.forOutput(profiler.toAgentOptions(atExit), atExit, output.target());
        String atExitFiles = String.join(", ", profiles.kinds().stream()
                .map(kind -> profiles.agentFileOf(kind).toString()).toList());
        err.println("jflame: 'jflame attach " + pid + " stop -o flame.svg' stops and draws it; should the JVM exit "
                + "first, the profile goes to " + atExitFiles + (files.sharesFiles() ? "" : " in its own file system"));
        return ExitCodes.OK;
    }

    private int draw(AttachedJvm jvm, String request, PrintWriter err) throws IOException {
        Path profile = jvm.files().workFile("profile.collapsed");
        // Which kinds the running profile records decides how many graphs there are.
        ProfileSet profiles = ProfileSet.fromStatus(answered(jvm.request("status", "")).fact("kinds"), profile);
        profiles.checkOutput(output.target());
        AgentStatus status = answered(jvm.request(request, "file=" + jvm.files().inTarget(profile)));
        render(profiles, err);
        err.println("jflame: JVM " + pid + ": " + withoutWorkFiles(status.message()));
        return ExitCodes.OK;
    }

    /** The agent's message without the temporary files it wrote for jflame to read. */
    private static String withoutWorkFiles(String message) {
        return message.replaceAll(", wrote [^;]*", "");
    }

    private int status(AttachedJvm jvm) throws IOException {
        AgentStatus status = answered(jvm.request("status", ""));
        PrintWriter out = spec.commandLine().getOut();
        out.println("pid: " + pid);
        out.println("java: " + jvm.javaVersion());
        out.println("message: " + status.message());
        for (Map.Entry<String, String> fact : status.facts().entrySet()) {
            if (!fact.getKey().equals("pid")) {
                out.println(fact.getKey() + ": " + fact.getValue());
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The default: start, wait for --duration (or Ctrl-C, or the JVM's exit), stop, draw. */
    private int profileFor(PrintWriter err) throws IOException, InterruptedException {
        ProfileOutput target = output.target();
        target.checkWritable();
        // Ctrl-C ends the wait; jflame's exit is held back until the graph is written.
        try (ShutdownHold hold = new ShutdownHold(); AttachedJvm jvm = AttachedJvm.attach(pid)) {
            Path profile = jvm.files().workFile(ProfileSet.agentFileName("profile", target));
            Path profileInTarget = jvm.files().inTarget(profile);
            ProfileSet profiles = ProfileSet.forOutput(profiler.toAgentOptions(profileInTarget), profile, target);
            profiles.checkOutput(target);
            AgentStatus started = answered(jvm.request("start", agentOptions(profileInTarget)));
            // Someone else's profile with the same options: read it, but leave it running.
            boolean ours = !started.message().startsWith("already profiling");
            err.println("jflame: profiling JVM " + pid + " (Java " + jvm.javaVersion() + ") for " + duration
                    + ", Ctrl-C stops early" + attachCost(started));
            err.flush();
            long deadline = System.nanoTime() + duration.nanos();
            try (Progress progress = Progress.onStderr(err)) {
                long nextShow = System.nanoTime();
                while (System.nanoTime() < deadline && TargetProcess.isAlive(pid)) {
                    if (progress.enabled() && System.nanoTime() >= nextShow) {
                        showProgress(progress, jvm, deadline);
                        nextShow += TimeUnit.SECONDS.toNanos(1);
                    }
                    long left = Math.min(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(100));
                    if (hold.awaitSignal(left)) {
                        break;
                    }
                }
            }
            if (!TargetProcess.isAlive(pid)) {
                // The agent wrote what it had at the JVM's exit.
                boolean drawn = render(profiles, err);
                throw new UserError("JVM " + pid + " exited during the attach"
                        + (drawn ? "; the graph shows what ran until then" : ""));
            }
            AgentStatus stopped = answered(jvm.request(ours ? "stop" : "dump", "file=" + profileInTarget));
            render(profiles, err);
            err.println("jflame: JVM " + pid + ": " + withoutWorkFiles(stopped.message())
                    + (ours ? "" : "; the profile was started by someone else and keeps running"));
            return ExitCodes.OK;
        }
    }

    /** The countdown and the agent's sample count so far: one status request, about once a second. */
    private void showProgress(Progress progress, AttachedJvm jvm, long deadline) {
        long left = TimeUnit.NANOSECONDS.toSeconds(Math.max(0, deadline - System.nanoTime()) + 999_999_999L);
        String samples;
        try {
            AgentStatus status = jvm.request("status", "");
            samples = status.fact("samples").isEmpty() ? "" : String.format(java.util.Locale.ROOT, ", %,d samples",
                    Long.parseLong(status.fact("samples")));
        } catch (IOException | RuntimeException unanswered) {
            samples = "";  // the count is a nicety; the profile goes on without it
        }
        progress.show(Progress.seconds(left) + " left" + samples + " (Ctrl-C stops early)");
    }

    private String agentOptions(Path fileInTarget) {
        String options = profiler.toAgentOptions(fileInTarget).toAgentArgument();
        return accumulate ? options + ",accumulate" : options;
    }

    private AgentStatus answered(AgentStatus status) {
        if (!status.ok()) {
            throw new UserError("JVM " + pid + ": " + status.message());
        }
        return status;
    }

    private static String attachCost(AgentStatus status) {
        String ms = status.fact("method_ids_ms");
        return ms.isEmpty() ? "" : " (method ids for " + status.fact("classes") + " classes in " + ms + " ms)";
    }

    private boolean render(ProfileSet profiles, PrintWriter err) throws IOException {
        return profiles.render(output.target(), spec.commandLine().getOut(), err, "(was the JVM using the CPU?)");
    }

    /** {@code -d 30s}: the interval grammar, named as a duration in errors. */
    static final class DurationConverter implements ITypeConverter<Interval> {
        @Override
        public Interval convert(String value) {
            try {
                Interval d = Interval.parse(value);
                if (d.nanos() < 10_000_000L) {
                    throw new TypeConversionException("duration must be at least 10ms, got " + value);
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage().replace("interval", "duration"));
            }
        }
    }
}
