package dev.jflame.workload;

/**
 * Two threads fighting for one monitor: each holds it for about 2 ms of computing, so the
 * other waits about as long to enter {@code contended}. Usage: {@code LockWorkload MILLIS}.
 */
public final class LockWorkload {
    private static final Object LOCK = new Object();

    private LockWorkload() {
    }

    static long contended(long holdNanos) {
        synchronized (LOCK) {
            return Spin.until(System.nanoTime() + holdNanos);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        long[] sink = new long[2];
        Thread[] threads = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int index = t;
            threads[t] = new Thread(() -> {
                while (System.nanoTime() < deadline) {
                    sink[index] += contended(2_000_000L);
                }
            }, "fighter-" + t);
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("done " + ((sink[0] + sink[1]) & 1));
    }
}
