package dev.jflame.flamegraph;

/**
 * A native frame as jflame's agent names it: the function, then the library it is in, in
 * brackets: {@code deflate [libz.so.1]}, {@code G1ParScanThreadState::trim_queue [libjvm.so]}.
 * An address without a symbol names the library in the function part instead:
 * {@code libfoo.so+0x1a2b [libfoo.so]}. The suffix is what tells a native function from a
 * Java method whatever its spelling (C names may hold dots, {@code memcpy.part.0}), and it is
 * the library that pprof output gives the function as its mapping.
 */
public record NativeFrameName(String function, String library) {

    /** The parts of {@code name}, or null if it has no library suffix. */
    public static NativeFrameName parse(String name) {
        if (name.isEmpty() || name.charAt(name.length() - 1) != ']' || name.charAt(0) == '[') {
            return null;
        }
        int open = name.lastIndexOf(" [");
        if (open <= 0) {
            return null;
        }
        String library = name.substring(open + 2, name.length() - 1);
        if (library.isEmpty() || library.equals("native") || library.indexOf(' ') >= 0
                || library.indexOf('[') >= 0 || library.indexOf(']') >= 0) {
            return null;
        }
        return new NativeFrameName(name.substring(0, open), library);
    }

    /** The name the agent writes for {@code function} in {@code library}. */
    public String frameName() {
        return function + " [" + library + "]";
    }
}
