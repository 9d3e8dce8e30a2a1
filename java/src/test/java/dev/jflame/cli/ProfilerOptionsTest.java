package dev.jflame.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.jvm.AgentOptions;
import dev.jflame.jvm.ByteSize;
import dev.jflame.jvm.Event;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProfilerOptionsTest {
    private static RunCommand parse(String... args) {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(args);
        return run;
    }

    @Test
    void allocAndLockTakeTheirValueOnlyAfterAnEqualsSign() {
        RunCommand run = parse("--alloc", "--lock", "app.jar", "x");
        assertEquals(ByteSize.DEFAULT_ALLOC, run.profiler.alloc);
        assertEquals(10_000L, run.profiler.lockNanos);
        assertEquals("app.jar", run.app);
        assertEquals(List.of("x"), run.appArgs);

        RunCommand sized = parse("--alloc=1m", "--lock=5ms", "app.jar");
        assertEquals(1L << 20, sized.profiler.alloc.bytes());
        assertEquals(5_000_000L, sized.profiler.lockNanos);

        RunCommand none = parse("app.jar");
        assertNull(none.profiler.alloc);
        assertNull(none.profiler.lockNanos);
    }

    @Test
    void severalKindsRenderForTheAgentAndNameOneFileEach() {
        RunCommand run = parse("-e", "wall", "--alloc=64k", "--live", "--lock=1ms", "app.jar");
        AgentOptions options = run.profiler.toAgentOptions(Path.of("/tmp/p.collapsed"));
        assertEquals("event=wall,interval=50000000ns,alloc=65536,live,lock=1000000ns,depth=2048,file=/tmp/p.collapsed",
                options.toAgentArgument());
        assertEquals(List.of("wall", "alloc", "lock"), options.kinds());
        ProfileSet set = ProfileSet.of(options, Path.of("/tmp/p.collapsed"));
        assertEquals(Path.of("/tmp/p.alloc.collapsed"), set.agentFileOf("alloc"));
        ProfileOutput svg = ProfileOutput.of(Path.of("out/flame.svg"), null, new GraphOptions());
        assertEquals(Path.of("out/flame.svg"), set.outputOf("wall", svg).file());
        assertEquals(Path.of("out/flame.lock.svg"), set.outputOf("lock", svg).file());
    }

    @Test
    void eventAllocOrLockAloneIsOneKind() {
        AgentOptions alloc = parse("-e", "alloc", "app.jar").profiler.toAgentOptions(Path.of("/p"));
        assertEquals("event=alloc,alloc=524288,depth=2048,file=/p", alloc.toAgentArgument());
        assertEquals(List.of("alloc"), alloc.kinds());
        AgentOptions lock = parse("-e", "lock", "app.jar").profiler.toAgentOptions(Path.of("/p"));
        assertEquals("event=lock,lock=10000ns,depth=2048,file=/p", lock.toAgentArgument());
        assertEquals(Event.lock, lock.event());
    }

    @Test
    void badCombinationsAreOneLineUserErrors() {
        UserError interval = assertThrows(UserError.class,
                () -> parse("-e", "alloc", "-i", "10ms", "app.jar").profiler.toAgentOptions(Path.of("/p")));
        assertTrue(interval.getMessage().contains("--alloc=SIZE"), interval.getMessage());
        UserError live = assertThrows(UserError.class,
                () -> parse("--live", "app.jar").profiler.toAgentOptions(Path.of("/p")));
        assertTrue(live.getMessage().contains("--live needs an allocation profile"), live.getMessage());
        assertThrows(CommandLine.ParameterException.class, () -> parse("--alloc=3x", "app.jar"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("--lock=soon", "app.jar"));
        UserError stdout = assertThrows(UserError.class,
                () -> new ProfileSet(List.of("cpu", "lock"), Path.of("/p")).checkOutput(
                        ProfileOutput.of(null, null, new GraphOptions())));
        assertTrue(stdout.getMessage().contains("only one can go to stdout"), stdout.getMessage());
    }

    @Test
    void checkpointAndDurationSpeakTheOneTimeGrammar() {
        assertEquals(java.time.Duration.ofMinutes(5), parse("--checkpoint", "5m", "app.jar").profiler.checkpoint);
        assertEquals(java.time.Duration.ofSeconds(90), parse("--checkpoint", "90000ms", "app.jar").profiler.checkpoint);
        assertThrows(CommandLine.ParameterException.class, () -> parse("--checkpoint", "1500ms", "app.jar"));
        assertThrows(CommandLine.ParameterException.class, () -> parse("--checkpoint", "25h", "app.jar"));
        AttachCommand attach = new AttachCommand();
        new CommandLine(attach).parseArgs("1", "-d", "5m");
        assertEquals(300_000_000_000L, attach.duration.nanos());
    }
}
