package dev.jflame.workload;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * THREADS threads alive at once, half of them each burning BUSY_MILLIS of its own CPU
 * time (equal by construction, however the scheduler shares the cores), the other half
 * parked. Prints the busy threads' total CPU time and the JVM's resident memory while all
 * of them are alive. Usage: {@code ManyThreadsWorkload THREADS BUSY_MILLIS}.
 */
public final class ManyThreadsWorkload {
    private ManyThreadsWorkload() {
    }

    static long busy(long cpuNanos) {
        return Spin.forCpu(cpuNanos);
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        long cpuNanos = Long.parseLong(args[1]) * 1_000_000L;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch busyDone = new CountDownLatch(threads / 2);
        AtomicLong busyCpu = new AtomicLong();
        AtomicLong sink = new AtomicLong();
        for (int i = 0; i < threads; i++) {
            boolean isBusy = i % 2 == 0;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    if (isBusy) {
                        sink.addAndGet(busy(cpuNanos));
                        busyCpu.addAndGet(mx.getCurrentThreadCpuTime());
                        busyDone.countDown();
                    }
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, (isBusy ? "busy-" : "idle-") + i);
            t.setDaemon(true);
            t.start();
        }
        go.countDown();
        busyDone.await();
        System.out.println("busy_cpu_ns=" + busyCpu.get() + " rss_kb=" + ProcessResources.statusKb("VmRSS")
                + " hwm_kb=" + ProcessResources.statusKb("VmHWM") + " sink=" + (sink.get() & 1));
    }
}
