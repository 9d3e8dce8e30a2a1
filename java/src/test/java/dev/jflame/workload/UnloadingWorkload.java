package dev.jflame.workload;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.function.LongUnaryOperator;

/**
 * Runs short-lived classes hot and lets them be unloaded, round after round: the bytes of
 * {@link UnloadableLambdaBody} (and so its lambda) defined by a new class loader, then those of
 * {@link UnloadableBody} as a hidden class, each run for HOT_MILLIS, dropped and collected with
 * {@code System.gc()}. Prints how many classes the JVM unloaded. Usage: {@code UnloadingWorkload TOTAL_MILLIS HOT_MILLIS}.
 */
public final class UnloadingWorkload {
    private UnloadingWorkload() {
    }

    /** Defines one class from bytes, without asking its parent first. */
    private static final class OneClassLoader extends ClassLoader {
        OneClassLoader() {
            super(UnloadingWorkload.class.getClassLoader());
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }

    /** The frame every sample in a short-lived class passes through. */
    static long runGenerated(LongUnaryOperator body, long hotMillis) {
        return body.applyAsLong(hotMillis);
    }

    private static LongUnaryOperator instantiate(Class<?> type) throws Throwable {
        MethodHandle constructor = MethodHandles.publicLookup().findConstructor(type, MethodType.methodType(void.class));
        return (LongUnaryOperator) constructor.invoke();
    }

    private static byte[] bytesOf(Class<?> type) throws IOException {
        try (InputStream in = UnloadingWorkload.class.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    public static void main(String[] args) throws Throwable {
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        long hotMillis = Long.parseLong(args[1]);
        byte[] lambdaBody = bytesOf(UnloadableLambdaBody.class);
        byte[] body = bytesOf(UnloadableBody.class);
        long sum = 0;
        int rounds = 0;
        while (System.nanoTime() < deadline) {
            Class<?> loaded = new OneClassLoader().define(UnloadableLambdaBody.class.getName(), lambdaBody);
            sum += runGenerated(instantiate(loaded), hotMillis);
            Class<?> hidden = MethodHandles.lookup().defineHiddenClass(body, true).lookupClass();
            sum += runGenerated(instantiate(hidden), hotMillis);
            loaded = null;
            hidden = null;
            System.gc();
            rounds++;
        }
        long unloaded = ManagementFactory.getClassLoadingMXBean().getUnloadedClassCount();
        System.out.println("rounds: " + rounds + ", unloaded classes: " + unloaded + ", checksum " + (sum & 1));
    }
}
