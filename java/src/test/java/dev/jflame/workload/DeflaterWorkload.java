package dev.jflame.workload;

import java.util.Random;
import java.util.zip.Deflater;

/**
 * Compresses 1 MB of partly random bytes with {@link Deflater} in a loop: its time is in zlib,
 * under {@code Deflater.deflateBytesBytes}. Usage: {@code DeflaterWorkload MILLIS}.
 */
public final class DeflaterWorkload {
    private DeflaterWorkload() {
    }

    public static void main(String[] args) {
        byte[] input = new byte[1 << 20];
        new Random(1).nextBytes(input);
        for (int i = 0; i < input.length; i += 3) {
            input[i] = 0;
        }
        byte[] output = new byte[2 << 20];
        long end = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        long total = 0;
        while (System.nanoTime() < end) {
            Deflater deflater = new Deflater(6);
            deflater.setInput(input);
            deflater.finish();
            while (!deflater.finished()) {
                total += deflater.deflate(output);
            }
            deflater.end();
        }
        System.out.println("compressed " + total + " bytes");
    }
}
