package dev.jflame.workload;

import java.util.Random;
import java.util.zip.Deflater;

/**
 * Compresses 1 MB of partly random bytes with {@link Deflater} in a loop: its time is in zlib,
 * under {@code Deflater.deflateBytesBytes}. Usage: {@code DeflaterWorkload MILLIS}. The
 * benchmark's DeflaterBench does a fixed number of the same rounds.
 */
public final class DeflaterWorkload {
    private DeflaterWorkload() {
    }

    /** 1 MB, two thirds random, compressible enough for zlib to work at every level. */
    public static byte[] input() {
        byte[] input = new byte[1 << 20];
        new Random(1).nextBytes(input);
        for (int i = 0; i < input.length; i += 3) {
            input[i] = 0;
        }
        return input;
    }

    /** One round: `input` through a new Deflater into `output`; the compressed size. */
    public static long compress(byte[] input, byte[] output) {
        Deflater deflater = new Deflater(6);
        deflater.setInput(input);
        deflater.finish();
        long total = 0;
        while (!deflater.finished()) {
            total += deflater.deflate(output);
        }
        deflater.end();
        return total;
    }

    public static void main(String[] args) {
        byte[] input = input();
        byte[] output = new byte[2 << 20];
        long end = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        long total = 0;
        while (System.nanoTime() < end) {
            total += compress(input, output);
        }
        System.out.println("compressed " + total + " bytes");
    }
}
