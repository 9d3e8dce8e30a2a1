package dev.jflame.workload;

/** Spins at the bottom of a deep recursion. Usage: {@code DeepRecursionWorkload DEPTH MILLIS}. */
public final class DeepRecursionWorkload {
    private DeepRecursionWorkload() {
    }

    static long recurse(int remaining, long deadline) {
        if (remaining == 0) {
            return leaf(deadline);
        }
        return recurse(remaining - 1, deadline) + 1;
    }

    static long leaf(long deadline) {
        return Spin.until(deadline);
    }

    public static void main(String[] args) throws InterruptedException {
        int depth = Integer.parseInt(args[0]);
        long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000L;
        // A big stack for deep recursion, whatever the platform's default.
        Thread t = new Thread(null, () -> System.out.println("r " + (recurse(depth, deadline) & 1)), "deep", 1L << 28);
        t.start();
        t.join();
    }
}
