package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.workload.TwoThreadsWorkload;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Files jflame writes, from the CLI and from the agent, get ordinary permissions (0644 less
 * the umask, never writable by others) and are never written through a symlink.
 */
class OutputFileSafetyIT {
    @TempDir
    Path dir;

    /** Runs a command line under a umask, through sh. */
    private Jflame underUmask(String umask, List<String> command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
        cmd.addAll(command);
        return Jflame.exec(dir, cmd);
    }

    private List<String> jflame(String... args) {
        List<String> cmd = new ArrayList<>(List.of(AgentRun.java().toString(), "-jar", Jflame.jar().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Path input() throws Exception {
        Path in = dir.resolve("in.collapsed");
        Files.writeString(in, "main;work 3\nmain;idle 1\n");
        return in;
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    }

    @ParameterizedTest
    @CsvSource({"022, rw-r--r--", "077, rw-------", "000, rw-r--r--"})
    void svgOutputGetsSixFourFourLessTheUmask(String umask, String expected) throws Exception {
        Path out = dir.resolve("out.svg");
        Jflame run = underUmask(umask, jflame("svg", input().toString(), "-o", out.toString()));
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(expected, mode(out), "umask " + umask);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
        }
    }

    @ParameterizedTest
    @CsvSource({"022, rw-r--r--", "000, rw-r--r--"})
    void agentProfileGetsSixFourFourLessTheUmask(String umask, String expected) throws Exception {
        Path profile = dir.resolve("agent.collapsed");
        Jflame run = underUmask(umask, List.of(AgentRun.java().toString(),
                "-agentpath:" + AgentRun.agentLibrary() + "=interval=5ms,file=" + profile,
                "-cp", AgentRun.testClasses(), TwoThreadsWorkload.class.getName(), "200"));
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(expected, mode(profile), "umask " + umask);
    }

    @Test
    void aSymlinkPlantedAtTheOutputIsReplacedNotWrittenThrough() throws Exception {
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, "precious\n");
        Path out = dir.resolve("out.svg");
        Files.createSymbolicLink(out, victim);
        Jflame run = Jflame.run(dir, "svg", input().toString(), "-o", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("precious\n", Files.readString(victim), "the link's target is untouched");
        assertTrue(Files.isRegularFile(out, LinkOption.NOFOLLOW_LINKS), "the output is a file of its own now");
        assertTrue(Files.readString(out).contains("<svg"));
    }

    @Test
    void agentProfileIsNotWrittenThroughASymlinkAtItsPath() throws Exception {
        Path victim = dir.resolve("victim.txt");
        Files.writeString(victim, "precious\n");
        Path profile = dir.resolve("agent.collapsed");
        Files.createSymbolicLink(profile, victim);
        AgentRun run = AgentRun.exec(dir, List.of(AgentRun.java().toString(),
                "-agentpath:" + AgentRun.agentLibrary() + "=interval=5ms,file=" + profile,
                "-cp", AgentRun.testClasses(), TwoThreadsWorkload.class.getName(), "200"), profile);
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals("precious\n", Files.readString(victim), "the link's target is untouched");
        assertTrue(Files.isRegularFile(profile, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.readString(profile).startsWith("# jflame: 1\n"));
    }
}
