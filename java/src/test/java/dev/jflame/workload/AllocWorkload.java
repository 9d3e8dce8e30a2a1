package dev.jflame.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * Allocation in known proportions: {@code allocateMore} allocates three times the bytes of
 * {@code allocateLess} (same array sizes, three times as many), all garbage at once; and
 * {@code retain} keeps a few megabytes reachable until the end while {@code discard}
 * allocates the same and drops it (retained in a static field, so still alive at exit). Usage: {@code AllocWorkload MILLIS}.
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
        List<long[]> kept = KEPT;
        long sink = 0;
        while (System.nanoTime() < deadline) {
            sink += allocateMore(1000) + allocateLess(1000);
            if (kept.size() < 256) {  // 8 MB retained in the end
                retain(kept);
                sink += discard();
            }
        }
        System.out.println("done " + (sink & 1) + " " + kept.size());
    }
}
