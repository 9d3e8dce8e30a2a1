package dev.jflame.workload;

import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A long-running JVM to attach to. Usage: {@code AttachTarget SECONDS [STOPFILE] [CLASSES]}.
 * Loads CLASSES hidden classes (default 0; ~20,000 measures the attach pause on a JVM with
 * many classes), prints {@code ready}, then runs {@link #hotMethod} until SECONDS have passed
 * or STOPFILE exists; prints {@code done} and exits with code 5. Its stdout and exit code
 * are what an attach must leave unchanged. While it runs, a probe thread records the longest
 * stall it sees, printed to stderr at the end: the attach pause as the application feels it.
 * Once a file STOPFILE.spawn exists, it starts {@link #LATE_THREADS} spinning threads named
 * {@code LATE_NAME + i} (names longer than the 15 characters the OS keeps).
 */
public final class AttachTarget {
    public static final int LATE_THREADS = 3;
    public static final String LATE_NAME = "started-while-stopped-spinner-";
    private static volatile long longestStallNanos;

    private AttachTarget() {
    }

    public static void main(String[] args) throws Exception {
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000_000L;
        Path stopFile = args.length > 1 && !args[1].equals("-") ? Path.of(args[1]) : null;
        int classes = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        Object[] keep = loadHiddenClasses(classes);
        Thread probe = new Thread(AttachTarget::probeStalls, "stall-probe");
        probe.setDaemon(true);
        probe.start();
        System.out.println("ready");
        Path spawnFile = stopFile != null ? Path.of(stopFile + ".spawn") : null;
        boolean spawned = false;
        long r = 0;
        while (System.nanoTime() < deadline && (stopFile == null || !Files.exists(stopFile))) {
            r += hotMethod(System.nanoTime() + 50_000_000L);
            if (!spawned && spawnFile != null && Files.exists(spawnFile)) {
                spawned = true;
                for (int i = 0; i < LATE_THREADS; i++) {
                    Thread late = new Thread(() -> Spin.until(deadline), LATE_NAME + i);
                    late.setDaemon(true);
                    late.start();
                }
            }
        }
        System.out.println("done" + (r & 0) + (keep.length & 0));
        System.err.println("longest stall: " + longestStallNanos / 1_000_000 + " ms, hidden classes: " + classes);
        System.exit(5);
    }

    static long hotMethod(long deadlineNanos) {
        return Spin.until(deadlineNanos);
    }

    private static void probeStalls() {
        long last = System.nanoTime();
        while (true) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            longestStallNanos = Math.max(longestStallNanos, now - last - 1_000_000L);
            last = now;
        }
    }

    private static Object[] loadHiddenClasses(int count) throws Exception {
        byte[] template;
        try (var in = AttachTarget.class.getResourceAsStream("HiddenFiller.class")) {
            template = in.readAllBytes();
        }
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        Object[] classes = new Object[count];
        for (int i = 0; i < count; i++) {
            // The same bytes define a new, distinct class each time; they stay loaded while referenced.
            Class<?> c = lookup.defineHiddenClass(template, true).lookupClass();
            classes[i] = c;
        }
        return classes;
    }
}
