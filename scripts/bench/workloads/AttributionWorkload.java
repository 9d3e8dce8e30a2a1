package dev.jflame.workload;

import java.util.zip.CRC32;

/**
 * Programs whose self-time split between Java methods is known by construction, for checking
 * which method a profiler charges (scripts/bench/attribution_bench.py).
 *
 * <p>Every case spends its time in one dependent chain of the same step, {@code x = x * m + c}
 * (a multiply and an add, about 4 cycles, that no compiler can fold or reorder because m and c
 * are not constants and each step needs the last one's result), divided between methods in a
 * fixed ratio of steps. Self time is therefore split in that ratio, whichever tier runs it:
 * <ul>
 *   <li>{@code inlined}: {@code inlinedCaller} calls {@code inlinedA} (2 K steps) and
 *       {@code inlinedB} (K steps), both small enough for C2 to inline: A 2/3, B 1/3, the
 *       caller about 0.
 *   <li>{@code smallstatic}: a loop doing two steps itself and one in a small static method
 *       called each iteration: {@code staticCaller} 2/3, {@code smallStatic} 1/3.
 *   <li>{@code osr}: one call of {@code osrLoop} that never returns until the end, so only its
 *       on-stack-replacement compilation runs: 2 K steps in its own body, K in the inlined
 *       {@code osrHelper}: osrLoop 2/3, osrHelper 1/3.
 *   <li>{@code interp}: the {@code inlined} case, to be run with -Xint (or with the methods
 *       excluded from compilation): the same 2/3 and 1/3, by the interpreter.
 *   <li>{@code crc}: {@code crcCaller} hands a 64 KiB array to {@code CRC32.update}, an
 *       intrinsic (a stub, no Java frame of its own): nearly all self time is CRC32's.
 *   <li>{@code log}: {@code logCaller} calls {@code Math.log}, an intrinsic stub C2 calls
 *       in place of the method: nearly all the time is Math.log's, though no Java frame of it
 *       exists in compiled code.
 * </ul>
 *
 * <p>Usage: {@code AttributionWorkload CASE SECONDS [WARMUP_SECONDS [LINGER_SECONDS]]}. With a
 * warm-up, the case runs that long first and prints {@code warm} (a profiler can then attach to
 * code compiled before it came); with LINGER it then waits for a line on stdin (sent once the
 * profiler is attached). It runs SECONDS more, prints {@code done} and sleeps LINGER seconds
 * (so that the profiler can be stopped before the JVM exits).
 */
public final class AttributionWorkload {
    static final int K = 1000;

    private AttributionWorkload() {
    }

    public static void main(String[] args) {
        String which = args[0];
        double seconds = Double.parseDouble(args[1]);
        double warmup = args.length > 2 ? Double.parseDouble(args[2]) : 0;
        // Read at run time, so that the compiled code cannot fold them.
        long m = Long.getLong("attribution.m", 6364136223846793005L);
        long c = Long.getLong("attribution.c", 1442695040888963407L);
        long x = 1;
        if (warmup > 0) {
            x ^= run(which, warmup, m, c);
            System.out.println("warm");
            System.out.flush();
            if (args.length > 3) {
                // Waits for a line on stdin: the profiler attached by then.
                try {
                    new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        x ^= run(which, seconds, m, c);
        System.out.println("done " + (x & 1));
        System.out.flush();
        if (args.length > 3) {
            // Idle until killed, so that a profiler attached for the run can be stopped.
            try {
                Thread.sleep((long) (Double.parseDouble(args[3]) * 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static long run(String which, double seconds, long m, long c) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long x = 1;
        switch (which) {
            case "inlined", "interp" -> {
                while (System.nanoTime() < end) x = inlinedCaller(x, m, c, 100);
            }
            case "smallstatic" -> {
                while (System.nanoTime() < end) x = staticCaller(x, m, c, 100 * K);
            }
            case "osr" -> x = osrLoop(x, m, c, end);
            case "crc" -> {
                byte[] data = new byte[64 * 1024];
                for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31);
                while (System.nanoTime() < end) x += crcCaller(data, 20);
            }
            case "log" -> {
                while (System.nanoTime() < end) x += (long) logCaller(x, 100 * K);
            }
            default -> throw new IllegalArgumentException("unknown case " + which);
        }
        return x;
    }

    static long inlinedCaller(long x, long m, long c, int rounds) {
        for (int r = 0; r < rounds; r++) {
            x = inlinedA(x, m, c, 2 * K);
            x = inlinedB(x, m, c, K);
        }
        return x;
    }

    static long inlinedA(long x, long m, long c, int steps) {
        for (int i = 0; i < steps; i++) x = x * m + c;
        return x;
    }

    static long inlinedB(long x, long m, long c, int steps) {
        for (int i = 0; i < steps; i++) x = x * m + c;
        return x;
    }

    static long staticCaller(long x, long m, long c, int iterations) {
        for (int i = 0; i < iterations; i++) {
            x = x * m + c;
            x = x * m + c;
            x = smallStatic(x, m, c);
        }
        return x;
    }

    static long smallStatic(long x, long m, long c) {
        return x * m + c;
    }

    static long osrLoop(long x, long m, long c, long end) {
        while (System.nanoTime() < end) {
            for (int r = 0; r < 100; r++) {
                for (int i = 0; i < 2 * K; i++) x = x * m + c;
                x = osrHelper(x, m, c, K);
            }
        }
        return x;
    }

    static long osrHelper(long x, long m, long c, int steps) {
        for (int i = 0; i < steps; i++) x = x * m + c;
        return x;
    }

    static long crcCaller(byte[] data, int times) {
        CRC32 crc = new CRC32();
        for (int i = 0; i < times; i++) crc.update(data, 0, data.length);
        return crc.getValue();
    }

    static double logCaller(long seed, int n) {
        double sum = 0;
        double v = 1.5 + (seed & 7);
        for (int i = 0; i < n; i++) {
            sum += Math.log(v);
            v += 0.25;
        }
        return sum;
    }
}
