package dev.jflame.workload;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Threads that spin at the bottom of random call paths through eight methods, DEPTH calls
 * deep: 8^DEPTH possible stacks, so nearly every sample is a stack not seen before. For the
 * agent's memory, which grows with distinct stacks.
 *
 * <p>Usage: {@code ManyStacksWorkload THREADS MILLIS DEPTH}.
 */
public final class ManyStacksWorkload {
    private ManyStacksWorkload() {
    }

    static long step(long path, int depth, long leafNanos) {
        if (depth == 0) {
            return Spin.until(System.nanoTime() + leafNanos);
        }
        switch ((int) (path & 7)) {
            case 0: return m0(path >>> 3, depth - 1, leafNanos);
            case 1: return m1(path >>> 3, depth - 1, leafNanos);
            case 2: return m2(path >>> 3, depth - 1, leafNanos);
            case 3: return m3(path >>> 3, depth - 1, leafNanos);
            case 4: return m4(path >>> 3, depth - 1, leafNanos);
            case 5: return m5(path >>> 3, depth - 1, leafNanos);
            case 6: return m6(path >>> 3, depth - 1, leafNanos);
            default: return m7(path >>> 3, depth - 1, leafNanos);
        }
    }

    static long m0(long p, int d, long n) { return step(p, d, n) + 1; }
    static long m1(long p, int d, long n) { return step(p, d, n) + 2; }
    static long m2(long p, int d, long n) { return step(p, d, n) + 3; }
    static long m3(long p, int d, long n) { return step(p, d, n) + 4; }
    static long m4(long p, int d, long n) { return step(p, d, n) + 5; }
    static long m5(long p, int d, long n) { return step(p, d, n) + 6; }
    static long m6(long p, int d, long n) { return step(p, d, n) + 7; }
    static long m7(long p, int d, long n) { return step(p, d, n) + 8; }

    public static void main(String[] args) throws InterruptedException {
        int threads = Integer.parseInt(args[0]);
        long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000L;
        // at most 21 three-bit choices fit in a long
        int depth = Math.min(21, Integer.parseInt(args[2]));
        long[] sinks = new long[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = new Thread(() -> {
                long acc = 0;
                while (System.nanoTime() < deadline) {
                    acc += step(ThreadLocalRandom.current().nextLong(), depth, 200_000L);
                }
                sinks[index] = acc;
            }, "stacks-" + t);
            workers[t].start();
        }
        long acc = 0;
        for (int t = 0; t < threads; t++) {
            workers[t].join();
            acc ^= sinks[t];
        }
        System.out.println("done sink " + (acc & 1));
    }
}
