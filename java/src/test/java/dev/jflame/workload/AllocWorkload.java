package dev.jflame.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * Allocation in known proportions: {@code allocateMore} allocates three times the bytes of
 * {@code allocateLess} (same array sizes, three times as many), all garbage at once; and
 * {@code retain} keeps a few megabytes reachable until the end while {@code discard}
 * allocates the same and drops it, both first (retained in a static field, so still alive at
 * exit); prints {@code ready} before the main loop. Usage: {@code AllocWorkload MILLIS}.
 */
public final class AllocWorkload {
    private static final int ARRAY_BYTES = 1024;
    /** Static so that it is still reachable when the agent writes the profile at exit. */
    private static final List<long[]> KEPT = new ArrayList<>();

    private AllocWorkload() {
    }

    static long allocateMore(int rounds) {
        long sum = 0;
        for (int i = 0; i < 3 * rounds; i++) {
            byte[] b = new byte[ARRAY_BYTES];
            sum += b.length + b[i % ARRAY_BYTES];
        }
        return sum;
    }

    static long allocateLess(int rounds) {
        long sum = 0;
        for (int i = 0; i < rounds; i++) {
            byte[] b = new byte[ARRAY_BYTES];
            sum += b.length + b[i % ARRAY_BYTES];
        }
        return sum;
    }

    static void retain(List<long[]> kept) {
        kept.add(new long[4096]);
    }

    static long discard() {
        long[] garbage = new long[4096];
        return garbage.length;
    }

    public static void main(String[] args) {
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        long sink = 0;
        for (int i = 0; i < 256; i++) {  // 8 MB retained to the end, 8 MB garbage
            retain(KEPT);
            sink += discard();
        }
        System.out.println("ready");
        while (System.nanoTime() < deadline) {
            sink += allocateMore(1000) + allocateLess(1000);
        }
        System.out.println("done " + (sink & 1) + " " + KEPT.size());
    }
}
