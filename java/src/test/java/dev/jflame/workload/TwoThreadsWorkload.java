package dev.jflame.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Two threads burning CPU at once in different methods for the same time. Prints each
 * thread's CPU time, so a test can compare samples recorded with samples expected.
 * Usage: {@code TwoThreadsWorkload MILLIS}.
 */
public final class TwoThreadsWorkload {
    private TwoThreadsWorkload() {
    }

    static long burnAlpha(long deadline) {
        return Spin.until(deadline);
    }

    static long burnBeta(long deadline) {
        return Spin.until(deadline);
    }

    public static void main(String[] args) throws InterruptedException {
        long millis = Long.parseLong(args[0]);
        long deadline = System.nanoTime() + millis * 1_000_000L;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicLong alphaCpu = new AtomicLong();
        AtomicLong betaCpu = new AtomicLong();
        Thread alpha = new Thread(() -> {
            long r = burnAlpha(deadline);
            alphaCpu.set(mx.getCurrentThreadCpuTime() + (r & 0));
        }, "alpha");
        Thread beta = new Thread(() -> {
            long r = burnBeta(deadline);
            betaCpu.set(mx.getCurrentThreadCpuTime() + (r & 0));
        }, "beta");
        alpha.start();
        beta.start();
        alpha.join();
        beta.join();
        System.out.println("cpu_ns alpha=" + alphaCpu.get() + " beta=" + betaCpu.get());
    }
}
