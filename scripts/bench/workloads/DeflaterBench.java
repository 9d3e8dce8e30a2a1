package dev.jflame.workload;

import java.util.Random;
import java.util.zip.Deflater;

/**
 * A fixed amount of zlib work for the mixed-mode benchmark: compresses 1 MB of partly random
 * bytes ROUNDS times through {@link Deflater}, and prints its own wall time.
 * Usage: {@code DeflaterBench ROUNDS}.
 */
public final class DeflaterBench {
    private DeflaterBench() {
    }

    public static void main(String[] args) {
        byte[] input = new byte[1 << 20];
        new Random(1).nextBytes(input);
        for (int i = 0; i < input.length; i += 3) {
            input[i] = 0;
        }
        byte[] output = new byte[2 << 20];
        int rounds = Integer.parseInt(args[0]);
        long start = System.nanoTime();
        long total = 0;
        for (int r = 0; r < rounds; r++) {
            Deflater deflater = new Deflater(6);
            deflater.setInput(input);
            deflater.finish();
            while (!deflater.finished()) {
                total += deflater.deflate(output);
            }
            deflater.end();
        }
        System.out.println("wall_ns " + (System.nanoTime() - start) + " bytes " + total);
    }
}
