package dev.jflame.workload;

import java.util.concurrent.CountDownLatch;

/**
 * THREADS idle threads parked for good, and main doing a fixed amount of work: the wall
 * time of that work, printed as {@code work_ms=N}, shows what sampling the idle threads costs.
 * Usage: {@code IdleThreadsWorkload THREADS WORK_UNITS}.
 */
public final class IdleThreadsWorkload {
    private IdleThreadsWorkload() {
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = Integer.parseInt(args[0]);
        long units = Long.parseLong(args[1]);
        CountDownLatch never = new CountDownLatch(1);
        for (int i = 0; i < threads; i++) {
            Thread idle = new Thread(() -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "idle-" + i);
            idle.setDaemon(true);
            idle.start();
        }
        Spin.work(units / 10);  // warm up the JIT
        long start = System.nanoTime();
        long sink = Spin.work(units);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("work_ms=" + ms + " sink=" + (sink & 1));
    }
}
