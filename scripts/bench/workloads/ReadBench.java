package dev.jflame.workload;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fixed amount of kernel work for the kernel-frames benchmark: reads a 1 MB file one byte
 * per {@code read(buf, 0, 1)} call, ROUNDS times (so nearly all its CPU is in the read system
 * call), and prints its own wall time. Usage: {@code ReadBench ROUNDS}.
 */
public final class ReadBench {
    private ReadBench() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = Integer.parseInt(args[0]);
        Path file = Files.createTempFile("jflame-readbench", ".bin");
        try {
            Files.write(file, new byte[1 << 20]);
            byte[] buf = new byte[1];
            long start = System.nanoTime();
            long total = 0;
            for (int r = 0; r < rounds; r++) {
                try (FileInputStream in = new FileInputStream(file.toFile())) {
                    while (in.read(buf, 0, 1) > 0) {
                        total++;
                    }
                }
            }
            System.out.println("read " + total + " bytes in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
