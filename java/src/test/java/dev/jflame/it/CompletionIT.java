package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `jflame completion bash`, loaded into a real bash, completes commands and options. */
class CompletionIT {
    @TempDir
    Path dir;

    @Test
    void bashCompletesCommandsAndTheOptionsOfRun() throws Exception {
        Jflame script = Jflame.run(dir, "completion", "bash");
        assertEquals(0, script.exitCode(), script.stderr());
        Path file = dir.resolve("jflame.bash");
        Files.write(file, script.stdout());
        String probe = "source " + file + "\n"
                + "COMP_WORDS=(jflame sv); COMP_CWORD=1; COMP_LINE='jflame sv'; COMP_POINT=9\n"
                + "_complete_jflame 2>/dev/null; echo \"commands: ${COMPREPLY[*]}\"\n"
                + "COMP_WORDS=(jflame run --nat); COMP_CWORD=2; COMP_LINE='jflame run --nat'; COMP_POINT=16\n"
                + "_complete_jflame 2>/dev/null; echo \"options: ${COMPREPLY[*]}\"\n";
        Jflame bash = Jflame.exec(dir, List.of("/bin/bash", "-c", probe));
        String out = bash.stdoutText();
        assertTrue(out.contains("commands: svg"), out + bash.stderr());
        assertTrue(out.contains("options: --native-stacks"), out + bash.stderr());
    }
}
