package dev.jflame.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.zip.CRC32;

/**
 * Time spent in HotSpot's intrinsic stubs, code with no Java frame of its own that
 * AsyncGetCallTrace cannot walk from: {@code crc} hands a 64 KiB array to {@code CRC32.update}
 * (the stub updateBytesCRC32), {@code log} calls {@code Math.log} (the stub dlog) in a loop.
 * Nearly all the thread's CPU time is in the stub; its Java caller does next to nothing.
 *
 * <p>Usage: {@code IntrinsicWorkload crc|log CPU_MILLIS}: runs until the thread has used that
 * much CPU time, whatever the machine's load.
 */
public final class IntrinsicWorkload {
    private static long sink;

    private IntrinsicWorkload() {
    }

    public static void main(String[] args) {
        boolean crc = args[0].equals("crc");
        long cpuNanos = Long.parseLong(args[1]) * 1_000_000L;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        byte[] data = new byte[64 * 1024];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31);
        long start = threads.getCurrentThreadCpuTime();
        while (threads.getCurrentThreadCpuTime() - start < cpuNanos) {
            sink += crc ? crcCaller(data, 20) : (long) logCaller(sink, 100_000);
        }
        System.out.println("done " + (sink & 1));
    }

    static long crcCaller(byte[] data, int times) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < times; i++) crc.update(data, 0, data.length);
        return crc.getValue();
    }

    static double logCaller(long seed, int n) {
        double sum = 0;
        double v = 1.5 + (seed & 7);
        for (int i = 0; i < n; i++) {
            sum += Math.log(v);
            v += 0.25;
        }
        return sum;
    }
}
