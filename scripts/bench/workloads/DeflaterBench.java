package dev.jflame.workload;

/**
 * A fixed amount of zlib work for the mixed-mode benchmark: ROUNDS rounds of
 * {@link DeflaterWorkload#compress}, and its own wall time.
 * Usage: {@code DeflaterBench ROUNDS}.
 */
public final class DeflaterBench {
    private DeflaterBench() {
    }

    public static void main(String[] args) {
        byte[] input = DeflaterWorkload.input();
        byte[] output = new byte[2 << 20];
        int rounds = Integer.parseInt(args[0]);
        long start = System.nanoTime();
        long total = 0;
        for (int r = 0; r < rounds; r++) {
            total += DeflaterWorkload.compress(input, output);
        }
        System.out.println("wall_ns " + (System.nanoTime() - start) + " bytes " + total);
    }
}
