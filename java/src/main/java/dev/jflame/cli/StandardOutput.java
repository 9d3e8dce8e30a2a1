package dev.jflame.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What jflame's standard streams are connected to. */
final class StandardOutput {
    private StandardOutput() {
    }

    /**
     * Whether stdout is a terminal, where binary output would only garble the screen. Read from
     * /proc rather than System.console(), whose answer changed in JDK 22 (it may return a
     * console when stdout is redirected) and which also looks at stdin.
     */
    static boolean isTerminal() {
        return isTerminal(1);
    }

    /** Whether file descriptor {@code fd} (0 stdin, 1 stdout, 2 stderr) is a terminal. */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException unknown) {
            return false;
        }
    }
}
