package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command reports an error as one line; {@code --verbose} adds the stack trace after
 * that line, for a bug report, and changes nothing else.
 */
class VerboseIT {
    @TempDir
    Path dir;

    /** A failing command line per command, the failure inside the command (exit 1). */
    private List<String> failing(String command) throws Exception {
        String missing = dir.resolve("missing.collapsed").toString();
        String unwritable = dir.resolve("no-such-dir").resolve("out.svg").toString();
        Path profile = dir.resolve("p.collapsed");
        Files.writeString(profile, "a;b 1\n");
        return switch (command) {
            case "svg" -> List.of("svg", missing);
            case "top" -> List.of("top", missing);
            case "diff" -> List.of("diff", profile.toString(), missing);
            case "run" -> List.of("run", "-o", unwritable, "-cp", AgentRun.testClasses(), "NoSuchMain");
            case "demo" -> List.of("demo", "-o", unwritable);
            case "attach" -> List.of("attach", Long.toString(ProcessHandle.current().pid()), "-d", "1s", "-o", unwritable);
            default -> throw new IllegalArgumentException(command);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"svg", "top", "diff", "run", "demo", "attach"})
    void errorIsOneLineAndVerboseAddsTheStackTrace(String command) throws Exception {
        List<String> args = failing(command);
        Jflame plain = Jflame.run(dir, args.toArray(String[]::new));
        assertEquals(1, plain.exitCode(), plain.stderr());
        List<String> lines = plain.stderr().lines().filter(l -> l.startsWith("jflame: ")).toList();
        assertEquals(1, lines.size(), "one error line: " + plain.stderr());
        assertFalse(plain.stderr().contains("\tat "), "no stack trace without --verbose: " + plain.stderr());

        List<String> verboseArgs = new ArrayList<>(args);
        verboseArgs.add(1, "--verbose");
        Jflame verbose = Jflame.run(dir, verboseArgs.toArray(String[]::new));
        assertEquals(1, verbose.exitCode(), verbose.stderr());
        assertTrue(verbose.stderr().contains(lines.get(0)), "the same line first: " + verbose.stderr());
        assertTrue(verbose.stderr().contains("\tat dev.jflame."), "a stack trace with --verbose: " + verbose.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "run --help"})
    void everyCommandAcceptsVerbose(String command) throws Exception {
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.add(1, "--verbose");
        Jflame run = Jflame.run(dir, args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.stderr());
    }
}
