package dev.jflame.workload;

/** Burns CPU until killed: for tests that end the JVM from outside (SIGKILL). */
public final class SpinForever {
    private static long sink;

    private SpinForever() {
    }

    public static void main(String[] args) {
        System.out.println("started");
        System.out.flush();
        while (true) {
            sink ^= Spin.until(System.nanoTime() + 10_000_000L);
        }
    }
}
