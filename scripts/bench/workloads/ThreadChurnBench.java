package dev.jflame.workload;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread start and end as the cost: THREADS short threads, each doing the same small fixed
 * computation (WORK loop iterations) and ending, started and joined by four starters, so at
 * most four short threads are alive at once. Fixed work: the CPU time it takes is the
 * measure, not its wall time. Prints the wall time of the churn.
 *
 * <p>Usage: {@code ThreadChurnBench THREADS WORK}.
 */
public final class ThreadChurnBench {
    private ThreadChurnBench() {
    }

    static long work(long iterations, long seed) {
        long x = seed;
        for (long i = 0; i < iterations; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = Integer.parseInt(args[0]);
        long iterations = Long.parseLong(args[1]);
        AtomicLong sink = new AtomicLong();
        int starters = 4;
        long start = System.nanoTime();
        Thread[] starting = new Thread[starters];
        for (int s = 0; s < starters; s++) {
            int first = s;
            starting[s] = new Thread(() -> {
                for (int i = first; i < threads; i += starters) {
                    long seed = i;
                    Thread t = new Thread(() -> sink.addAndGet(work(iterations, seed)), "churn-" + i);
                    t.start();
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "starter-" + s);
            starting[s].start();
        }
        for (Thread t : starting) {
            t.join();
        }
        System.out.println("wall_ns " + (System.nanoTime() - start) + " threads " + threads + " sink " + (sink.get() & 1));
    }
}
