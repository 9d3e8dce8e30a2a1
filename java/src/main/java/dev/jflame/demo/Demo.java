package dev.jflame.demo;

/**
 * The built-in demo: the classic first flame graph, ported to Java. A generator hands out
 * numbers one at a time and an expensive function XORs ten million of them; a cheaper
 * function does a tenth of the work, so the graph has a clear hot path and a smaller sibling.
 */
public final class Demo {
    static final int EXPENSIVE_COUNT = 10_000_000;
    static final int CHEAP_COUNT = 1_000_000;

    private Demo() {
    }

    /** A generator in the Python sense: each call yields the next number, until exhausted. */
    static final class NumberGenerator {
        private final int limit;
        private int next;

        NumberGenerator(int limit) {
            this.limit = limit;
        }

        boolean hasMore() {
            return next < limit;
        }

        int getNumber() {
            // A little real work per number, so the generator shows up beside its consumer.
            int n = next++;
            return Integer.rotateLeft(n * 0x9E3779B9, n & 31);
        }
    }

    static int expensiveFunction() {
        NumberGenerator numbers = new NumberGenerator(EXPENSIVE_COUNT);
        int result = 0;
        while (numbers.hasMore()) {
            int n = numbers.getNumber();
            result ^= n ^ (n >>> 7) ^ (result << 1);
        }
        return result;
    }

    static int cheapFunction() {
        NumberGenerator numbers = new NumberGenerator(CHEAP_COUNT);
        int result = 0;
        while (numbers.hasMore()) {
            result ^= numbers.getNumber();
        }
        return result;
    }

    public static void main(String[] args) {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 3;
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        int checksum = 0;
        int rounds = 0;
        while (System.nanoTime() < deadline) {
            checksum ^= expensiveFunction();
            checksum ^= cheapFunction();
            rounds++;
        }
        System.out.println("demo: " + rounds + " rounds, checksum " + Integer.toHexString(checksum));
    }
}
