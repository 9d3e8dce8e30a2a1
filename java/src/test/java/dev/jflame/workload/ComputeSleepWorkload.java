package dev.jflame.workload;

/**
 * One thread alternating 20 ms of computing (by the wall clock) and a 20 ms Thread.sleep:
 * half its wall time in each, nearly all its CPU time in {@code compute}.
 * Usage: {@code ComputeSleepWorkload MILLIS}.
 */
public final class ComputeSleepWorkload {
    private ComputeSleepWorkload() {
    }

    static long compute(long millis) {
        return Spin.until(System.nanoTime() + millis * 1_000_000L);
    }

    static void pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    public static void main(String[] args) throws InterruptedException {
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        long[] sink = new long[1];
        Thread worker = new Thread(() -> {
            try {
                while (System.nanoTime() < deadline) {
                    sink[0] += compute(20);
                    pause(20);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "computeSleep");
        worker.start();
        worker.join();
        System.out.println("done " + (sink[0] & 1));
    }
}
