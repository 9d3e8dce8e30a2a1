package dev.jflame.workload;

/** Spins, then exits with the given code. Usage: {@code ExitWorkload MILLIS CODE}. */
public final class ExitWorkload {
    private ExitWorkload() {
    }

    public static void main(String[] args) {
        long r = Spin.until(System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L);
        System.out.println("exiting " + (r & 0));
        System.exit(Integer.parseInt(args[1]));
    }
}
