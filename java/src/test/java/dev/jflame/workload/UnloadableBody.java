package dev.jflame.workload;

import java.util.function.LongUnaryOperator;

/**
 * A class {@link UnloadingWorkload} defines again and again from these bytes as a hidden class;
 * never used directly. (No lambda here: a hidden class's lambda is held by the defining loader
 * for good, and would keep this class loaded.)
 */
public final class UnloadableBody implements LongUnaryOperator {
    @Override
    public long applyAsLong(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        long x = millis;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 2000; i++) {
                x = Long.reverse(x) * 31 + i;
            }
        }
        return x;
    }
}
