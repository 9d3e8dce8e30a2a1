package dev.jflame.workload;

/**
 * One thread whose hot method changes at a known moment: {@link #a} for MILLIS, then
 * {@link #b} for MILLIS. Prints {@code switch_epoch_ms N} (the wall-clock moment of the switch)
 * and {@code switch_thread NAME}, so a test can place the switch in a recording's time.
 *
 * <p>Usage: {@code SwitchWorkload MILLIS}.
 */
public final class SwitchWorkload {
    private static long sink;

    private SwitchWorkload() {
    }

    static void a(long nanos) {
        sink ^= Spin.until(System.nanoTime() + nanos);
    }

    static void b(long nanos) {
        sink ^= Spin.until(System.nanoTime() + nanos);
    }

    public static void main(String[] args) {
        long nanos = Long.parseLong(args[0]) * 1_000_000L;
        a(nanos);
        System.out.println("switch_epoch_ms " + System.currentTimeMillis());
        System.out.println("switch_thread " + Thread.currentThread().getName());
        b(nanos);
        System.out.println("sink " + sink);
    }
}
