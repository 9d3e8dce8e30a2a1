package dev.jflame.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds jflame's own exit back, after Ctrl-C or SIGTERM, until the graph is written: the
 * JVM runs shutdown hooks on such a signal, and this one waits (bounded) for {@link #close()}.
 * {@link #signalled()} tells a waiting command that the signal came, so it can stop early.
 */
final class ShutdownHold implements AutoCloseable {
    private static final long GRACE_SECONDS = 30;

    private final CountDownLatch signalled = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook = new Thread(this::holdUntilFinished, "jflame-shutdown");

    ShutdownHold() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Waits up to {@code nanos} for a shutdown signal; true if it came. */
    boolean awaitSignal(long nanos) throws InterruptedException {
        return signalled.await(Math.max(nanos, 0), TimeUnit.NANOSECONDS);
    }

    private void holdUntilFinished() {
        signalled.countDown();
        try {
            finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running and returns now that we are done.
        }
    }
}
