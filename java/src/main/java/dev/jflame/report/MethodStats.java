package dev.jflame.report;

/**
 * One row of the top-methods table: a method (or a method at a line, or per thread), the
 * samples in which it was the executing frame (self), and the samples in which it was
 * anywhere on the stack (total; a recursive method counts once per stack).
 */
public record MethodStats(String thread, String method, long self, long total) {
}
