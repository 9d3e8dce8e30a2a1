import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * What a thread start costs: prints "ready", waits for a line on stdin (so that a profiler
 * can be attached, started and stopped first), then ROUNDS times starts and joins THREADS
 * empty threads one after another and prints "round NS_PER_THREAD" for each.
 * Usage: java ThreadStartBench.java THREADS ROUNDS
 */
public final class ThreadStartBench {
    private ThreadStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        for (int i = 0; i < 2_000; i++) {  // warm the start path up
            Thread t = new Thread(() -> { });
            t.start();
            t.join();
        }
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> { });
                t.start();
                t.join();
            }
            System.out.println("round " + (System.nanoTime() - start) / threads);
            System.out.flush();
        }
    }
}
