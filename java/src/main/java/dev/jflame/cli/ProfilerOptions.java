package dev.jflame.cli;

import dev.jflame.agent.AgentOptions;
import dev.jflame.agent.Event;
import dev.jflame.agent.Interval;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How to sample: shared by every command that starts the agent. */
final class ProfilerOptions {
    @Option(names = {"-e", "--event"}, defaultValue = "cpu", paramLabel = "EVENT",
            description = "What triggers a sample: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). "
                    + "cpu = per-thread CPU clock from perf_events (exact rate; falls back to ctimer where perf "
                    + "events are refused); ctimer = per-thread CPU timers (at most one sample per kernel tick); "
                    + "itimer = one process-wide CPU timer; wall = wall-clock time of every Java thread, "
                    + "running or not, each stack ending in [running], [sleeping], [waiting] or [blocked].")
    Event event;

    @Option(names = {"-i", "--interval"}, paramLabel = "TIME",
            converter = IntervalConverter.class,
            description = "Sampling interval, with a unit: ns, us, ms or s; CPU time for cpu, ctimer and itimer, "
                    + "wall-clock time for wall (default: 10ms, for wall 50ms).")
    Interval interval;

    @Option(names = "--threads", description = "Split the graph by thread: a root frame per thread, [name tid=N].")
    boolean threads;

    @Option(names = "--lines", description = "End Java frames in :LINE, the source line being executed.")
    boolean lines;

    @Option(names = "--depth", defaultValue = "2048", paramLabel = "N",
            description = "Keep at most N frames per stack, the leaf end; deeper stacks get a [truncated] root "
                    + "(default: ${DEFAULT-VALUE}).")
    int depth;

    AgentOptions toAgentOptions(Path profileFile) {
        try {
            return new AgentOptions(event, interval != null ? interval : event.defaultInterval(), depth, threads,
                    lines, profileFile);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
