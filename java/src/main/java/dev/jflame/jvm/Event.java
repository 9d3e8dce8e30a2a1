package dev.jflame.jvm;

/**
 * What drives the agent's samples; the names are the agent's own `event=` values. The first
 * four are time sources; {@link #alloc} and {@link #lock} record only that kind (they can
 * also be added to a time source, see {@link AgentOptions}).
 */
public enum Event {
    /** Per-thread CPU clock from perf_events; falls back to ctimer where perf_events is refused. */
    cpu,
    /** Per-thread POSIX CPU-time timers (tick-limited: 4 ms at a 250 Hz kernel tick). */
    ctimer,
    /** One process-wide setitimer(ITIMER_PROF). */
    itimer,
    /**
     * Wall-clock time: every Java thread, running or not, sampled each interval (default
     * 50 ms) by a signal from a sampler thread; stacks end in the thread's state.
     */
    wall,
    /** Allocations: JVMTI SampledObjectAlloc, weighted in bytes. */
    alloc,
    /** Contended monitor entries ({@code synchronized}), weighted by the nanoseconds waited. */
    lock;

    /** Whether this is a time source (cpu, ctimer, itimer, wall) rather than alloc or lock. */
    public boolean timed() {
        return this != alloc && this != lock;
    }

    /** The interval used when none is given: wall samples sleeping threads too, so less often. */
    public Interval defaultInterval() {
        return this == wall ? Interval.parse("50ms") : Interval.parse("10ms");
    }
}
