package dev.jflame.workload;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Time in the kernel from Java: reads a 1 MB file one byte per {@code read(buf, 0, 1)} call,
 * again and again, so most of the CPU goes to the system call and the file read path under
 * {@code FileInputStream.readBytes}. Usage: {@code ReadLoopWorkload MILLIS}.
 */
public final class ReadLoopWorkload {
    private ReadLoopWorkload() {
    }

    public static void main(String[] args) throws IOException {
        long millis = Long.parseLong(args[0]);
        Path file = Files.createTempFile("jflame-read", ".bin");
        try {
            Files.write(file, new byte[1 << 20]);
            byte[] buf = new byte[1];
            long end = System.nanoTime() + millis * 1_000_000;
            long bytes = 0;
            while (System.nanoTime() < end) {
                try (FileInputStream in = new FileInputStream(file.toFile())) {
                    for (int i = 0; i < 100_000 && in.read(buf, 0, 1) > 0; i++) {
                        bytes++;
                    }
                }
            }
            System.out.println("read " + bytes + " bytes");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
