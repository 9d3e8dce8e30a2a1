package dev.jflame.workload;

/**
 * Java calling into a JNI library (native/test/stacks/mixed_stacks_library.cpp) whose time is
 * known: {@code split} spends 70% of each round in {@code mixed_hot70} and 30% in
 * {@code mixed_hot30}; {@code hostile} spins in code an unwinder cannot follow; {@code threads}
 * starts native pthreads spinning in malloc/free and keeps a heartbeat.
 * Usage: {@code MixedStacksWorkload LIBRARY split|hostile|threads MILLIS}, or
 * {@code MixedStacksWorkload LIBRARY nativealloc ARRAYS}: a native thread attached to the JVM
 * allocates ARRAYS long arrays of 1 MB through JNI.
 */
public final class MixedStacksWorkload {
    private MixedStacksWorkload() {
    }

    static native long split(long millis, long seed);

    static native long hostile(long millis);

    static native void nativeThreads(int count);

    static native long progress();

    static native void allocateFromNativeThread(int arrays);

    /** Calls the native method from a Java method of its own, so the graph shows both. */
    static long callSplit(long millis) {
        return split(millis, System.nanoTime());
    }

    static long callHostile(long millis) {
        return hostile(millis);
    }

    public static void main(String[] args) throws Exception {
        System.load(args[0]);
        long millis = Long.parseLong(args[2]);
        switch (args[1]) {
            case "split" -> System.out.println("checksum " + (callSplit(millis) & 1));
            case "hostile" -> System.out.println("checksum " + (callHostile(millis) & 1));
            case "threads" -> heartbeat(millis);
            case "nativealloc" -> allocateFromNativeThread((int) millis);
            default -> throw new IllegalArgumentException("unknown mode " + args[1]);
        }
    }

    /**
     * Two native threads spin in malloc/free while the main thread prints a heartbeat line
     * every 50 ms with the native threads' progress, until MILLIS have passed (MILLIS 0: until
     * killed). A stalled heartbeat or native progress shows in the gaps between lines.
     */
    private static void heartbeat(long millis) throws InterruptedException {
        nativeThreads(2);
        long end = millis == 0 ? Long.MAX_VALUE : System.nanoTime() + millis * 1_000_000L;
        System.out.println("ready");
        while (System.nanoTime() < end) {
            System.out.println("beat " + System.nanoTime() / 1_000_000L + " " + progress());
            Thread.sleep(50);
        }
    }
}
