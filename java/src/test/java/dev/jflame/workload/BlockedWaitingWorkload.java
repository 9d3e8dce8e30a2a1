package dev.jflame.workload;

/**
 * Two threads that never run: one blocked entering a monitor main holds, one waiting on a
 * condition nobody signals. Main holds the monitor for MILLIS, then exits.
 * Usage: {@code BlockedWaitingWorkload MILLIS}.
 */
public final class BlockedWaitingWorkload {
    private static final Object LOCK = new Object();
    private static final Object CONDITION = new Object();
    private static volatile long entered;

    private BlockedWaitingWorkload() {
    }

    static void blockedForever() {
        synchronized (LOCK) {
            entered++;
        }
    }

    static void waitingForever() throws InterruptedException {
        synchronized (CONDITION) {
            while (true) {
                CONDITION.wait();
            }
        }
    }

    static void holdLock(long millis) throws InterruptedException {
        synchronized (LOCK) {
            Thread blocked = new Thread(BlockedWaitingWorkload::blockedForever, "blocked");
            blocked.setDaemon(true);
            blocked.start();
            Thread.sleep(millis);
        }
    }

    public static void main(String[] args) throws InterruptedException {
        Thread waiting = new Thread(() -> {
            try {
                waitingForever();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "waiting");
        waiting.setDaemon(true);
        waiting.start();
        holdLock(Long.parseLong(args[0]));
        System.out.println("done " + entered);
    }
}
