package dev.jflame.interop;

/** Which of a JFR recording's events become the profile's samples. */
public enum JfrEvent {
    /** Execution samples of running threads (jdk.ExecutionSample, or async-profiler's CPU samples). */
    cpu,
    /** Execution samples in every thread state (async-profiler's wall-clock samples). */
    wall,
    /** Allocation samples (jdk.ObjectAllocationSample, jdk.ObjectAllocationInNewTLAB/OutsideTLAB). */
    alloc,
    /** Contended locks (jdk.JavaMonitorEnter, jdk.ThreadPark). */
    lock
}
