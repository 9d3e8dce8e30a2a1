package dev.jflame.workload;

/** Busy work that the JIT cannot remove: spins on the clock until a deadline. */
final class Spin {
    private static final java.lang.management.ThreadMXBean THREAD_CPU =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private Spin() {
    }

    /** Burns CPU until {@code deadlineNanos} (System.nanoTime); returns a value so nothing is dead code. */
    static long until(long deadlineNanos) {
        long acc = 0;
        while (System.nanoTime() < deadlineNanos) {
            for (int i = 0; i < 64; i++) {
                acc = acc * 6364136223846793005L + 1442695040888963407L;
            }
        }
        return acc;
    }

    /**
     * Burns {@code cpuNanos} of this thread's CPU time. Slicing by CPU time rather than by the
     * wall clock keeps a split exact even when the machine is busy and the thread is
     * descheduled mid-slice. The clock is read between chunks of about 20 us of work, so the
     * system calls it costs stay a small part of the time.
     */
    static long forCpu(long cpuNanos) {
        long end = THREAD_CPU.getCurrentThreadCpuTime() + cpuNanos;
        long acc = 0;
        while (THREAD_CPU.getCurrentThreadCpuTime() < end) {
            for (int i = 0; i < 20_000; i++) {
                acc = acc * 6364136223846793005L + 1442695040888963407L;
            }
        }
        return acc;
    }

    /** A fixed amount of work, for runs whose wall time is the measure. */
    static long work(long units) {
        long acc = 0;
        for (long u = 0; u < units; u++) {
            for (int i = 0; i < 1000; i++) {
                acc = acc * 6364136223846793005L + 1442695040888963407L;
            }
        }
        return acc;
    }
}
