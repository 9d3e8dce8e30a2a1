package dev.jflame.workload;

import java.util.concurrent.ThreadLocalRandom;

/**
 * CPU time split 60/30/10 by construction between three methods. Each round has a random
 * length, so no test result depends on the sampler's phase; within a round the methods spin
 * for exactly 60%, 30% and 10% of it, measured on the thread's CPU clock.
 *
 * <p>Usage: {@code SplitWorkload time MILLIS} spins for that much CPU time;
 * {@code SplitWorkload work UNITS} does a fixed amount of work (for overhead measurements).
 */
public final class SplitWorkload {
    private static long sink;

    private SplitWorkload() {
    }

    static void sixty(long nanos) {
        sink ^= Spin.forCpu(nanos);
    }

    static void thirty(long nanos) {
        sink ^= Spin.forCpu(nanos);
    }

    static void ten(long nanos) {
        sink ^= Spin.forCpu(nanos);
    }

    static void sixtyWork(long units) {
        sink ^= Spin.work(units);
    }

    static void thirtyWork(long units) {
        sink ^= Spin.work(units);
    }

    static void tenWork(long units) {
        sink ^= Spin.work(units);
    }

    public static void main(String[] args) {
        long amount = Long.parseLong(args[1]);
        long start = System.nanoTime();
        if (args[0].equals("time")) {
            for (long spent = 0; spent < amount * 1_000_000L; ) {
                long round = ThreadLocalRandom.current().nextLong(10_000_000L, 50_000_000L);
                sixty(round * 6 / 10);
                thirty(round * 3 / 10);
                ten(round / 10);
                spent += round;
            }
        } else {
            for (long done = 0; done < amount; done += 100) {
                sixtyWork(60);
                thirtyWork(30);
                tenWork(10);
            }
        }
        System.out.println("wall_ns " + (System.nanoTime() - start) + " sink " + (sink & 1));
    }
}
