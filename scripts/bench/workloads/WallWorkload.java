package dev.jflame.workload;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One thread that computes for 30% of each round and sleeps for the other 70%, so a wall-clock
 * profile of it should split 30/70 between {@code compute} and {@code rest}. Rounds have random
 * lengths so no result depends on the sampler's phase. Sleeps overshoot by the timer slack, so
 * the workload prints the time it actually spent in each, and that is the ground truth.
 *
 * <p>Usage: {@code WallWorkload MILLIS}.
 */
public final class WallWorkload {
    private static long sink;

    private WallWorkload() {
    }

    static void compute(long nanos) {
        sink ^= Spin.until(System.nanoTime() + nanos);
    }

    static void rest(long nanos) throws InterruptedException {
        Thread.sleep(nanos / 1_000_000L, (int) (nanos % 1_000_000L));
    }

    static long[] cycle(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        long computeNs = 0;
        long restNs = 0;
        while (System.nanoTime() < end) {
            long round = ThreadLocalRandom.current().nextLong(10_000_000L, 50_000_000L);
            long t0 = System.nanoTime();
            compute(round * 3 / 10);
            long t1 = System.nanoTime();
            rest(round * 7 / 10);
            long t2 = System.nanoTime();
            computeNs += t1 - t0;
            restNs += t2 - t1;
        }
        return new long[] {computeNs, restNs};
    }

    public static void main(String[] args) throws Exception {
        long millis = Long.parseLong(args[0]);
        long[][] result = new long[1][];
        Thread worker = new Thread(() -> {
            try {
                result[0] = cycle(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "wall-worker");
        worker.start();
        worker.join();
        System.out.println("compute_ns " + result[0][0] + " rest_ns " + result[0][1] + " sink " + (sink & 1));
    }
}
