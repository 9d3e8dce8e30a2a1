package dev.jflame.workload;

/** Busy work that the JIT cannot remove: spins on the clock until a deadline. */
final class Spin {
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
