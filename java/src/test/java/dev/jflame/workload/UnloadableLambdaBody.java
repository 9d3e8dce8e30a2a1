package dev.jflame.workload;

import java.util.function.LongUnaryOperator;

/**
 * A class {@link UnloadingWorkload} defines again and again from these bytes in throw-away class
 * loaders; never used directly. Its lambda is a hidden class of its own, unloaded with it.
 */
public final class UnloadableLambdaBody implements LongUnaryOperator {
    @Override
    public long applyAsLong(long millis) {
        LongUnaryOperator step = v -> Long.reverse(v) * 31 + (v >>> 7);
        long end = System.nanoTime() + millis * 1_000_000L;
        long x = millis;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 2000; i++) {
                x = step.applyAsLong(x) + i;
            }
        }
        return x;
    }
}
