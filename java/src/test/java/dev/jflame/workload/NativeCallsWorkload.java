package dev.jflame.workload;

import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.zip.Deflater;

/**
 * Threads inside native code for a long time while being sampled: one compresses big
 * buffers with Deflater (CPU in zlib, under a native method), one is blocked in a socket
 * read that never returns, one sleeps, one waits on a monitor. Usage:
 * {@code NativeCallsWorkload MILLIS}.
 */
public final class NativeCallsWorkload {
    private NativeCallsWorkload() {
    }

    static long compress(long deadline) {
        byte[] input = new byte[1 << 20];
        long x = 1;
        for (int i = 0; i < input.length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            // Half the bytes random, half zero: zlib searches hard rather than storing.
            input[i] = (i & 1) == 0 ? (byte) (x >>> 56) : 0;
        }
        byte[] output = new byte[input.length + 1024];
        long total = 0;
        int rounds = 0;
        // At least a few rounds, however late a loaded machine got here.
        while (rounds++ < 5 || System.nanoTime() < deadline) {
            Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
            deflater.setInput(input);
            deflater.finish();
            while (!deflater.finished()) {
                total += deflater.deflate(output);
            }
            deflater.end();
        }
        return total;
    }

    static int readForever(Socket socket) {
        try (InputStream in = socket.getInputStream()) {
            return in.read();  // the peer never writes: blocked in the kernel until closed
        } catch (java.io.IOException closed) {
            return -1;
        }
    }

    static void sleepForever() {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void waitForever(Object lock) {
        synchronized (lock) {
            try {
                lock.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        long deadline = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        try (ServerSocket server = new ServerSocket(0);
                Socket client = new Socket("127.0.0.1", server.getLocalPort());
                Socket peer = server.accept()) {
            Object lock = new Object();
            start("reader", () -> readForever(client));
            start("sleeper", NativeCallsWorkload::sleepForever);
            start("waiter", () -> waitForever(lock));
            long compressed = compress(deadline);
            System.out.println("compressed " + compressed + " bytes, peer open " + !peer.isClosed());
        }
    }

    private static void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
