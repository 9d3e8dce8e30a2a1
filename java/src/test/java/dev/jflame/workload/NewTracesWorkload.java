package dev.jflame.workload;

import java.util.SplittableRandom;

/**
 * New stacks of the same few methods for the whole run: spins briefly at the bottom of a
 * recursion of random depth, so nearly every sample is a trace never seen before while no
 * new method ever appears. Meanwhile the main thread lists the JVM's threads every 20 ms and
 * at the end prints how often the profiler's method namer was among them:
 * {@code namer attached in K of N listings}. Usage: {@code NewTracesWorkload MILLIS}.
 */
public final class NewTracesWorkload {
    private static final int MAX_DEPTH = 3000;
    private static final String NAMER = "jflame method namer";

    private NewTracesWorkload() {
    }

    static long descend(int remaining, long spinNanos) {
        if (remaining == 0) {
            return Spin.until(System.nanoTime() + spinNanos);
        }
        return descend(remaining - 1, spinNanos) + 1;
    }

    public static void main(String[] args) throws InterruptedException {
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        Thread t = new Thread(null, () -> {
            SplittableRandom random = new SplittableRandom(7);
            long acc = 0;
            while (System.nanoTime() < deadline) {
                acc += descend(1 + random.nextInt(MAX_DEPTH), 2_000_000L);
            }
            System.out.println("r " + (acc & 1));
        }, "descender", 1L << 26);
        t.start();
        int listings = 0;
        int attached = 0;
        while (t.isAlive()) {
            ++listings;
            if (Thread.getAllStackTraces().keySet().stream().anyMatch(x -> x.getName().equals(NAMER))) {
                ++attached;
            }
            t.join(20);
        }
        System.out.println("namer attached in " + attached + " of " + listings + " listings");
    }
}
