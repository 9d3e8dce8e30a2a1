package dev.jflame.report;

import dev.jflame.flamegraph.FrameKind;

/**
 * One row of the top-methods table: a method (or a method at a line, or per thread), the
 * samples in which it was the executing frame (self), and the samples in which it was
 * anywhere on the stack (total; a recursive method counts once per stack).
 */
public record MethodStats(String thread, String method, long self, long total) {

    /**
     * What kind of code the row is: {@code java}, {@code jni} (a Java method implemented in
     * native code), {@code native} (C/C++), {@code kernel}, {@code thread} (a thread with no
     * other frame) or {@code other} (a pseudo frame such as a failed walk).
     */
    public String kind() {
        return kindOf(method);
    }

    /** The kind of code a frame name is, as {@link #kind()} says it. */
    public static String kindOf(String frame) {
        return switch (FrameKind.of(frame)) {
            case JAVA -> "java";
            case JAVA_NATIVE -> "jni";
            case NATIVE -> "native";
            case KERNEL -> "kernel";
            case THREAD -> "thread";
            case PSEUDO -> "other";
        };
    }
}
