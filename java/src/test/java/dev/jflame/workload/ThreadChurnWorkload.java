package dev.jflame.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread churn: THREADS short-lived threads, each burning SHORT_MICROS of its own CPU time
 * (well under one sampling interval) and ending, started one after another, while one
 * steady thread spins throughout. Prints the fds, perf events and POSIX timers of the
 * process before and after the churn (a leak shows as growth) and the CPU time of the short
 * threads together and of the steady one: the truth for their shares of samples.
 *
 * <p>Usage: {@code ThreadChurnWorkload THREADS SHORT_MICROS}.
 */
public final class ThreadChurnWorkload {
    private ThreadChurnWorkload() {
    }

    static long shortWork(long cpuNanos) {
        return Spin.forCpu(cpuNanos);
    }

    static long steadyWork(AtomicBoolean stop) {
        long acc = 0;
        while (!stop.get()) {
            acc += Spin.until(System.nanoTime() + 1_000_000L);
        }
        return acc;
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        long shortNanos = Long.parseLong(args[1]) * 1000L;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        AtomicLong shortCpu = new AtomicLong();
        AtomicLong shortAtRun = new AtomicLong();
        AtomicLong sink = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();

        // A warm-up batch: the classes, JIT code and JVM threads the churn needs exist
        // before the first count, so only what the churn itself leaves behind is counted.
        churn("warmup-", 200, shortNanos, mx, new AtomicLong(), new AtomicLong(), sink);
        Thread.sleep(200);
        System.out.println(ProcessResources.summary("before"));

        AtomicLong steadyCpu = new AtomicLong();
        Thread steady = new Thread(() -> {
            sink.addAndGet(steadyWork(stop));
            steadyCpu.set(mx.getCurrentThreadCpuTime());
        }, "steady");
        steady.start();
        churn("churn-", threads, shortNanos, mx, shortCpu, shortAtRun, sink);
        stop.set(true);
        steady.join();

        Thread.sleep(200);
        System.out.println(ProcessResources.summary("after"));
        System.out.println("cpu_ns short=" + shortCpu.get() + " steady=" + steadyCpu.get());
        // Of the short threads' CPU, what they used before their run() began (start-up in the JVM).
        System.out.println("before_run_ns short=" + shortAtRun.get() + " sink=" + (sink.get() & 1));
    }

    /**
     * Starts and joins the threads from four starters at once: one at a time, each start
     * and join waits for the scheduler, which on a loaded machine made 20,000 take minutes.
     */
    private static void churn(String prefix, int threads, long shortNanos, ThreadMXBean mx, AtomicLong cpu,
            AtomicLong atRun, AtomicLong sink) throws InterruptedException {
        int starters = 4;
        Thread[] starting = new Thread[starters];
        for (int s = 0; s < starters; s++) {
            int first = s;
            starting[s] = new Thread(() -> {
                for (int i = first; i < threads; i += starters) {
                    Thread t = new Thread(() -> {
                        atRun.addAndGet(mx.getCurrentThreadCpuTime());
                        sink.addAndGet(shortWork(shortNanos));
                        // The thread's whole CPU time, its start-up in the JVM included.
                        cpu.addAndGet(mx.getCurrentThreadCpuTime());
                    }, prefix + i);
                    t.start();
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "starter-" + prefix + s);
            starting[s].start();
        }
        for (Thread t : starting) {
            t.join();
        }
    }
}
