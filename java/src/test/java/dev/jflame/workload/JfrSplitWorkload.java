package dev.jflame.workload;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordingStream;

/**
 * The 60/30/10 split of {@link SplitWorkload} for a Flight Recorder recording, run until the
 * recorder has sampled it often enough.
 *
 * <p>Two differences from SplitWorkload, both for the JDK's sampler: the methods spin on the
 * wall clock ({@code System.nanoTime} is an intrinsic), because JDK 25's Flight Recorder drops
 * most samples of a thread that keeps calling into the VM for its CPU clock (about 15 samples
 * a second at a 1 ms period, against 750 with the wall clock); and the run ends on a sample
 * count rather than a duration, because how often the sampler succeeds varies by JDK and by
 * machine load (CI saw 45 samples in 4 s).
 *
 * <p>Usage: {@code JfrSplitWorkload SAMPLES MAX_MILLIS}: stops at whichever comes first.
 */
public final class JfrSplitWorkload {
    private static long sink;

    private JfrSplitWorkload() {
    }

    static void sixty(long nanos) {
        sink ^= Spin.until(System.nanoTime() + nanos);
    }

    static void thirty(long nanos) {
        sink ^= Spin.until(System.nanoTime() + nanos);
    }

    static void ten(long nanos) {
        sink ^= Spin.until(System.nanoTime() + nanos);
    }

    public static void main(String[] args) throws Exception {
        long wanted = Long.parseLong(args[0]);
        long end = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000L;
        AtomicLong seen = new AtomicLong();
        try (RecordingStream stream = new RecordingStream()) {
            // Asks for the 1 ms period too, whatever the recording's own settings say.
            stream.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            stream.onEvent("jdk.ExecutionSample", event -> {
                if (event.getStackTrace() != null && event.getStackTrace().getFrames().stream()
                        .anyMatch(f -> f.getMethod().getType().getName().equals(JfrSplitWorkload.class.getName()))) {
                    seen.incrementAndGet();
                }
            });
            stream.startAsync();
            while (seen.get() < wanted && System.nanoTime() < end) {
                long round = ThreadLocalRandom.current().nextLong(10_000_000L, 50_000_000L);
                sixty(round * 6 / 10);
                thirty(round * 3 / 10);
                ten(round / 10);
            }
        }
        System.out.println("samples_seen " + seen.get() + " sink " + (sink & 1));
    }
}
