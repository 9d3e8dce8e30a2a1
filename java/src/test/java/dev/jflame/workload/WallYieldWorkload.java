package dev.jflame.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * THREADS threads that all live for the same MILLIS, for the wall-clock yield: a wall profiler
 * at interval I should record THREADS x (their lifetime) / I samples in {@code life}. Thread i
 * spins if i % 3 == 0, sleeps in 20 ms naps if i % 3 == 1 (it runs briefly between naps), and
 * parks for good if i % 3 == 2 (never runs until the end): one thread is busy, six are two of
 * each. Main prints the threads' summed lifetime in ns, the truth, and the CPU time every
 * other thread of the process (a profiler's sampler among them) used meanwhile, from
 * /proc/self/task/TID/schedstat (for scripts/bench/wall_bench.py), as {@code task TID COMM CPU_NS}.
 *
 * <p>Usage: {@code WallYieldWorkload THREADS MILLIS}.
 */
public final class WallYieldWorkload {
    private static volatile long sink;

    private WallYieldWorkload() {
    }

    static void busy(long end) {
        long acc = 0;
        while (System.nanoTime() < end) {
            acc += Spin.until(Math.min(end, System.nanoTime() + 1_000_000L));
        }
        sink += acc;
    }

    static void napping(long end) throws InterruptedException {
        while (System.nanoTime() < end) {
            Thread.sleep(Math.max(1, Math.min(20, (end - System.nanoTime()) / 1_000_000L)));
        }
    }

    static void parked(long end) {
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(end - System.nanoTime());
        }
    }

    static long life(int kind, long end) throws InterruptedException {
        long begin = System.nanoTime();
        switch (kind) {
            case 0 -> busy(end);
            case 1 -> napping(end);
            default -> parked(end);
        }
        return System.nanoTime() - begin;
    }

    /** "tid comm" to {CPU ns} for every thread of this process. */
    static Map<String, long[]> taskCpu() throws IOException {
        Map<String, long[]> cpu = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    String schedstat = Files.readString(task.resolve("schedstat")).trim();
                    cpu.put(task.getFileName() + " " + comm, new long[] {Long.parseLong(schedstat.split(" ")[0])});
                } catch (IOException | RuntimeException gone) {
                    // exited meanwhile
                }
            }
        }
        return cpu;
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        long millis = Long.parseLong(args[1]);
        long[] lived = new long[threads];
        Thread[] all = new Thread[threads];
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long[] end = new long[1];
        for (int i = 0; i < threads; i++) {
            int index = i;
            all[i] = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    lived[index] = life(index % 3, end[0]);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "yield-" + i);
            all[i].start();
        }
        ready.await();
        // Let the profiler see every thread before the clock starts.
        Thread.sleep(200);
        Map<String, long[]> before = taskCpu();
        end[0] = System.nanoTime() + millis * 1_000_000L;
        go.countDown();
        long total = 0;
        for (int i = 0; i < threads; i++) {
            all[i].join();
            total += lived[i];
        }
        Map<String, long[]> after = taskCpu();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.get(e.getKey());
            if (b != null) {
                System.out.println("task " + e.getKey().replace(' ', '_').replaceFirst("_", " ") + " "
                        + (e.getValue()[0] - b[0]));
            }
        }
        // "PID/task/TID": main's own tid, to tell it from other threads named "java"
        System.out.println("main " + Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName()
                + " pid " + ProcessHandle.current().pid());
        System.out.println("lived_ns " + total + " threads " + threads + " sink " + (sink & 1));
    }
}
