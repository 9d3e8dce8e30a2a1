package dev.jflame.flamegraph;

import java.util.Set;

/**
 * What kind of code a frame name denotes, following the naming conventions of jflame's agent
 * (and the suffixes perf/async-profiler use). This is the one place that reads meaning into
 * frame names; palettes and filters ask it.
 */
public enum FrameKind {
    /** {@code pkg.Class.method}, optionally {@code :LINE}; also {@code _[j]}/{@code _[i]} suffixes. */
    JAVA,
    /** A Java method implemented natively: {@code pkg.Class.method [native]}. */
    JAVA_NATIVE,
    /**
     * C or C++ code: what the agent writes, {@code deflate [libz.so.1]} (see
     * {@link NativeFrameName}), and other tools' spellings: {@code Foo::bar(...)},
     * {@code libc.so.6}, {@code malloc}.
     */
    NATIVE,
    /** Kernel code: names ending in {@code _[k]}, and {@code [kernel]} (kernel frames without names). */
    KERNEL,
    /** A thread or thread state: {@code [main tid=123]}, {@code [GC Thread#0]}, {@code [running]}. */
    THREAD,
    /** Another bracketed pseudo frame: {@code [gc_active]}, {@code [unknown_Java]}, {@code [truncated]}. */
    PSEUDO;

    private static final Set<String> THREAD_STATES = Set.of(
            "[running]", "[runnable]", "[sleeping]", "[waiting]", "[timed_waiting]", "[blocked]",
            "[parked]", "[idle]", "[in_native]", "[in_vm]", "[in_java]", "[new]", "[terminated]");

    public static FrameKind of(String name) {
        if (name.endsWith("_[k]") || name.equals("[kernel]")) {
            return KERNEL;
        }
        if (name.endsWith(" [native]")) {
            return JAVA_NATIVE;
        }
        if (NativeFrameName.parse(name) != null) {
            return NATIVE;
        }
        if (name.endsWith("_[j]") || name.endsWith("_[i]")) {
            return JAVA;
        }
        if (name.length() >= 2 && name.charAt(0) == '[' && name.charAt(name.length() - 1) == ']') {
            // Thread frames carry a display name with spaces or a tid; agent pseudo frames are
            // single identifiers like [gc_active].
            boolean threadLike = name.indexOf(' ') >= 0 || name.contains("tid=") || THREAD_STATES.contains(name);
            return threadLike ? THREAD : PSEUDO;
        }
        if (name.contains("::") || namesSharedLibrary(name) || name.indexOf('.') < 0) {
            return NATIVE;
        }
        return JAVA;
    }

    /** {@code libc.so.6}, {@code libjvm.so+0x1f}; but not the package {@code org.sonar}. */
    private static boolean namesSharedLibrary(String name) {
        for (int at = name.indexOf(".so"); at >= 0; at = name.indexOf(".so", at + 1)) {
            int after = at + 3;
            if (after == name.length() || !Character.isLetterOrDigit(name.charAt(after))) {
                return true;
            }
        }
        return false;
    }
}
