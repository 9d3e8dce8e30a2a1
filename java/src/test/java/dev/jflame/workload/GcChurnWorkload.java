package dev.jflame.workload;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Work for the GC and the JIT: two threads fill a ring of 1-64 KB arrays (each replaces the
 * oldest, so a steady share stays live and the young collections copy it), run under
 * {@code -Xmx256m}. Usage: {@code GcChurnWorkload MILLIS}.
 */
public final class GcChurnWorkload {
    private static final int RING = 2048;

    private GcChurnWorkload() {
    }

    static long fill(long millis) {
        Object[] ring = new Object[RING];
        long end = System.nanoTime() + millis * 1_000_000;
        long sum = 0;
        for (int i = 0; System.nanoTime() < end; i++) {
            byte[] b = new byte[1024 + ThreadLocalRandom.current().nextInt(63 * 1024)];
            b[b.length - 1] = (byte) i;
            ring[i % RING] = b;
            sum += b.length;
        }
        return sum;
    }

    public static void main(String[] args) throws InterruptedException {
        long millis = Long.parseLong(args[0]);
        Thread[] threads = new Thread[2];
        long[] sums = new long[2];
        for (int t = 0; t < threads.length; t++) {
            int index = t;
            threads[t] = new Thread(() -> sums[index] = fill(millis), "filler-" + t);
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("allocated " + (sums[0] + sums[1]) + " bytes");
    }
}
