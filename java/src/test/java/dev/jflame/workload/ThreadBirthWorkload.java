package dev.jflame.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Short threads, sampled or missed from their birth: {@code COUNT} native threads (from the
 * JNI library's {@code bursts}, in {@code born_burst}) and {@code COUNT} Java threads (in
 * {@code javaBurst}), each burning {@code MILLIS} of CPU and ending, four at a time. Prints
 * {@code native_cpu_ns N} and {@code java_cpu_ns N}, their CPU time in all.
 * Usage: {@code ThreadBirthWorkload LIBRARY COUNT MILLIS}.
 */
public final class ThreadBirthWorkload {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private ThreadBirthWorkload() {
    }

    static native long bursts(int count, long millis);

    static void javaBurst(long millis, AtomicLong total) {
        long before = CPU.getCurrentThreadCpuTime();
        Spin.forCpu(millis * 1_000_000);
        total.addAndGet(CPU.getCurrentThreadCpuTime() - before);
    }

    public static void main(String[] args) throws Exception {
        System.load(args[0]);
        int count = Integer.parseInt(args[1]);
        long millis = Long.parseLong(args[2]);
        // Warm the Java path first, so that its bursts are compiled code, not the interpreter.
        AtomicLong warm = new AtomicLong();
        for (int i = 0; i < 20; i++) {
            javaBurst(1, warm);
        }
        System.out.println("native_cpu_ns " + bursts(count, millis));
        AtomicLong total = new AtomicLong();
        for (int done = 0; done < count; done += 4) {
            Thread[] threads = new Thread[Math.min(4, count - done)];
            for (int i = 0; i < threads.length; i++) {
                threads[i] = new Thread(() -> javaBurst(millis, total), "burst-" + (done + i));
                threads[i].start();
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        System.out.println("java_cpu_ns " + total.get());
    }
}
