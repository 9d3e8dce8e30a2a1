package dev.jflame.workload;

/**
 * Loads a native library (whose constructor does what its environment tells it, see
 * native/test/hostile_native_library.cpp), then burns CPU in Java.
 * Usage: {@code NativeLibraryWorkload LIBRARY MILLIS}.
 */
public final class NativeLibraryWorkload {
    private NativeLibraryWorkload() {
    }

    static long spinAfterLoad(long millis) {
        return Spin.until(System.nanoTime() + millis * 1_000_000L);
    }

    public static void main(String[] args) {
        System.load(args[0]);
        System.out.println("loaded " + args[0] + ", checksum " + (spinAfterLoad(Long.parseLong(args[1])) & 1));
    }
}
