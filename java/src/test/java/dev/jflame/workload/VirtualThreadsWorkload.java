package dev.jflame.workload;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The 60/30/10 split of {@link SplitWorkload}, by fixed amounts of work, done in many short
 * virtual threads that yield and sleep between the three parts, so that they unmount and
 * remount (often on another carrier) while being sampled. Usage:
 * {@code VirtualThreadsWorkload MILLIS}; prints {@code virtual threads: N}.
 *
 * <p>The tests compile for Java 17, so the JDK 21 factory is looked up by name; on a JDK
 * without virtual threads the workload says so and exits 3.
 */
public final class VirtualThreadsWorkload {
    private static volatile long sink;

    private VirtualThreadsWorkload() {
    }

    static void sixty(long units) {
        sink ^= Spin.work(units);
    }

    static void thirty(long units) {
        sink ^= Spin.work(units);
    }

    static void ten(long units) {
        sink ^= Spin.work(units);
    }

    static void task() {
        try {
            for (int round = 0; round < 4; round++) {
                sixty(600);
                Thread.yield();
                thirty(300);
                Thread.sleep(1);
                ten(100);
                Thread.yield();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) throws Exception {
        ExecutorService executor;
        try {
            executor = (ExecutorService) MethodHandles.publicLookup()
                    .findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
                            MethodType.methodType(ExecutorService.class))
                    .invoke();
        } catch (NoSuchMethodException e) {
            System.out.println("no virtual threads in Java " + Runtime.version().feature());
            System.exit(3);
            return;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        long started = 0;
        try {
            while (System.nanoTime() < deadline) {
                List<Future<?>> batch = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    batch.add(executor.submit(VirtualThreadsWorkload::task));
                }
                for (Future<?> f : batch) {
                    f.get();
                }
                started += batch.size();
            }
        } finally {
            executor.shutdown();
        }
        System.out.println("virtual threads: " + started + " sink " + (sink & 1));
    }
}
