package dev.jflame.workload;

/**
 * Ends the JVM one way while two threads are busy being sampled. Usage:
 * {@code ExitPathsWorkload HOW MILLIS}, HOW one of
 * <ul>
 * <li>{@code worker-exit}: a worker thread calls System.exit(3) after MILLIS;
 * <li>{@code halt}: main calls Runtime.halt(4) after MILLIS (no shutdown hooks run);
 * <li>{@code throw}: main throws after MILLIS (uncaught: the launcher exits 1);
 * <li>{@code wait-for-signal}: prints {@code busy} after MILLIS and spins until killed;
 * <li>{@code kill-self}: sends itself SIGKILL after MILLIS (the profile's end is never run).
 * </ul>
 */
public final class ExitPathsWorkload {
    private ExitPathsWorkload() {
    }

    static long burnUntilExit() {
        long acc = 0;
        while (true) {
            acc += Spin.until(System.nanoTime() + 1_000_000L);
            if (acc == 42) {
                return acc;  // never: keeps the loop from being provably endless
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String how = args[0];
        long millis = Long.parseLong(args[1]);
        Thread burner = new Thread(ExitPathsWorkload::burnUntilExit, "burner");
        burner.setDaemon(true);
        burner.start();
        long deadline = System.nanoTime() + millis * 1_000_000L;
        switch (how) {
            case "worker-exit" -> {
                Thread exiter = new Thread(() -> {
                    Spin.until(deadline);
                    System.exit(3);
                }, "exiter");
                exiter.start();
                burnUntilExit();
            }
            case "halt" -> {
                Spin.until(deadline);
                Runtime.getRuntime().halt(4);
            }
            case "throw" -> {
                Spin.until(deadline);
                throw new IllegalStateException("uncaught on purpose");
            }
            case "wait-for-signal" -> {
                Spin.until(deadline);
                System.out.println("busy");
                System.out.flush();
                burnUntilExit();
            }
            case "kill-self" -> {
                Spin.until(deadline);
                new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                burnUntilExit();
            }
            default -> throw new IllegalArgumentException(how);
        }
    }
}
