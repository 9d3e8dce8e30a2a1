package dev.jflame.dockertest;

import java.util.Arrays;
import java.util.List;

/**
 * The app scripts/docker-test.sh profiles inside the jflame image. It spends about two
 * seconds of CPU in one method whose name the flame graph must show, prints a line whose
 * text must reach jflame's stderr and never its SVG, and exits with a code of its own
 * that `docker run` must pass back. With {@code --alloc-and-lock} it then also allocates in
 * one known method and contends for a monitor in another, for the alloc and lock graphs.
 */
public final class DockerTestApp {
    static final int EXIT_CODE = 7;

    /** 256 MB in all: about 500 samples at the default --alloc interval (512 KB). */
    private static final int ALLOCATED_ARRAYS = 4096;
    private static final int ARRAY_BYTES = 64 * 1024;
    private static final int CONTENDED_ROUNDS = 100;
    /** How long a thread holds the monitor per round: far above --lock's default 10 us threshold. */
    private static final long HOLD_MILLIS = 1;

    private DockerTestApp() {
    }

    /** The hot method: checked for by name in the graph. */
    static long burnCpuInDockerTestApp(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long x = 0x9E3779B97F4A7C15L;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 100_000; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
        }
        return x;
    }

    /** The allocating method: checked for by name in the alloc graph. */
    static long allocateInDockerTestApp() {
        // The arrays stay reachable from a ring that is read back, so no JIT optimisation
        // can remove the allocations the profile should see.
        byte[][] kept = new byte[16][];
        for (int i = 0; i < ALLOCATED_ARRAYS; i++) {
            kept[i % kept.length] = new byte[ARRAY_BYTES];
            kept[i % kept.length][i % ARRAY_BYTES] = (byte) i;
        }
        long sum = 0;
        for (byte[] array : kept) {
            for (byte b : array) {
                sum += b;
            }
        }
        return sum;
    }

    /** Two threads taking turns on one monitor, each in {@link #contendInDockerTestApp}. */
    static void runContendingThreads() throws InterruptedException {
        Object monitor = new Object();
        List<Thread> threads = List.of(
                new Thread(() -> contendInDockerTestApp(monitor), "contender-1"),
                new Thread(() -> contendInDockerTestApp(monitor), "contender-2"));
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /** The contending method: checked for by name in the lock graph, where the waits end. */
    static void contendInDockerTestApp(Object monitor) {
        for (int i = 0; i < CONTENDED_ROUNDS; i++) {
            synchronized (monitor) {
                sleepHoldingMonitor();
            }
        }
    }

    private static void sleepHoldingMonitor() {
        try {
            Thread.sleep(HOLD_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * {@code --until-stopped} (first argument): burn until a signal ends the JVM (tests
     * `docker stop`). {@code --alloc-and-lock} (any argument): allocate and contend after the burn.
     */
    public static void main(String[] args) throws InterruptedException {
        boolean untilStopped = args.length > 0 && args[0].equals("--until-stopped");
        long result = burnCpuInDockerTestApp(untilStopped ? Long.MAX_VALUE / 2 : 2_000_000_000L);
        if (Arrays.asList(args).contains("--alloc-and-lock")) {
            result += allocateInDockerTestApp();
            runContendingThreads();
        }
        System.out.println("docker-test-app stdout line: args=" + Arrays.toString(args) + " result=" + (result & 0xff));
        System.exit(EXIT_CODE);
    }
}
