package dev.jflame.workload;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Threads waiting in known methods, for thread dumps: {@code parked-N} in {@link #parkHere},
 * {@code sleeper} in {@link #sleepHere}, {@code waiter} in {@link #waitHere}; main spins in
 * {@link AttachTarget#hotMethod}'s loop until SECONDS have passed or STOPFILE exists.
 * Usage: {@code ParkedThreadsWorkload SECONDS STOPFILE}. Prints {@code ready} once all wait.
 */
public final class ParkedThreadsWorkload {
    private static final Object MONITOR = new Object();

    private ParkedThreadsWorkload() {
    }

    public static void main(String[] args) throws Exception {
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000_000L;
        Path stopFile = Path.of(args[1]);
        for (int i = 0; i < 3; i++) {
            daemon("parked-" + i, ParkedThreadsWorkload::parkHere);
        }
        daemon("sleeper", ParkedThreadsWorkload::sleepHere);
        daemon("waiter", ParkedThreadsWorkload::waitHere);
        Thread.sleep(200);
        System.out.println("ready");
        while (System.nanoTime() < deadline && !Files.exists(stopFile)) {
            Spin.until(System.nanoTime() + 50_000_000L);
        }
        System.out.println("done");
    }

    static void parkHere() {
        while (true) {
            LockSupport.park(MONITOR);
        }
    }

    static void sleepHere() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void waitHere() {
        synchronized (MONITOR) {
            try {
                while (true) {
                    MONITOR.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
