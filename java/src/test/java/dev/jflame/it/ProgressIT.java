package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `attach -d` counts down with the sample count on stderr when stderr is a terminal (here a
 * pseudo-terminal from util-linux's script(1)), and prints no such line into a file or pipe.
 */
class ProgressIT {
    @TempDir
    Path dir;

    @Test
    void attachCountsDownOnATerminalOnly() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assumeTrue(Files.isExecutable(script), "SKIPPED: needs script(1) from util-linux for a pseudo-terminal");
        AttachTargets.Target target = AttachTargets.start(dir, 300);
        try {
            String pid = Long.toString(target.pid());
            String onTerminal = String.join(" ", AgentRun.java().toString(), "-jar", Jflame.jar().toString(),
                    "attach", pid, "-d", "3s", "-o", dir.resolve("tty.svg").toString());
            Jflame tty = Jflame.exec(dir, List.of(script.toString(), "-qec", onTerminal, "/dev/null"));
            String shown = tty.stdoutText();
            assertEquals(0, tty.exitCode(), shown);
            assertTrue(shown.matches("(?s).*jflame: [123]s left, [0-9,]+ samples.*"), "a countdown with samples: " + shown);
            assertTrue(shown.contains("jflame: wrote " + dir.resolve("tty.svg")), shown);

            Jflame piped = AttachTargets.jflame(dir, "attach", pid, "-d", "2s", "-o", dir.resolve("file.svg").toString());
            assertEquals(0, piped.exitCode(), piped.stderr());
            assertFalse(piped.stderr().contains(" left"), "no progress into a file: " + piped.stderr());
            assertFalse(piped.stderr().contains("\r"), piped.stderr());
        } finally {
            target.finish();
        }
    }
}
