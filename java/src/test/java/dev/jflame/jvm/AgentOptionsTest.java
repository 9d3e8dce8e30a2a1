package dev.jflame.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
    @Test
    void rendersTheAgentGrammar() {
        AgentOptions o = new AgentOptions(Event.ctimer, Interval.parse("1ms"), 64, true, true, Path.of("/tmp/p.collapsed"));
        assertEquals("event=ctimer,interval=1000000ns,depth=64,threads,lines,file=/tmp/p.collapsed", o.toAgentArgument());
    }

    @Test
    void nativeStacksOtherThanTheDefaultAreNamed() {
        AgentOptions fp = new AgentOptions(Event.cpu, Interval.parse("1ms"), null, false, -1, 2048, false, false,
                NativeStacks.fp, null, Path.of("/tmp/p.collapsed"));
        assertEquals("event=cpu,interval=1000000ns,depth=2048,nativestacks=fp,file=/tmp/p.collapsed", fp.toAgentArgument());
        AgentOptions dwarf = new AgentOptions(Event.cpu, Interval.parse("1ms"), null, false, -1, 2048, false, false,
                null, null, Path.of("/tmp/p.collapsed"));
        assertEquals(NativeStacks.dwarf, dwarf.nativeStacks());
    }

    @Test
    void percentInPathIsEscapedSinceTheAgentExpandsPercentP() {
        AgentOptions o = new AgentOptions(Event.cpu, Interval.parse("10ms"), 2048, false, false, Path.of("/tmp/100%.c"));
        assertEquals("event=cpu,interval=10000000ns,depth=2048,file=/tmp/100%%.c", o.toAgentArgument());
    }

    @Test
    void commaInPathIsRefusedSinceItWouldSplitTheOptions() {
        AgentOptions o = new AgentOptions(Event.cpu, Interval.parse("10ms"), 2048, false, false, Path.of("/tmp/a,b"));
        assertThrows(IllegalArgumentException.class, o::toAgentArgument);
    }

    @Test
    void depthOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new AgentOptions(Event.cpu, Interval.parse("10ms"), 0, false, false, Path.of("x")));
    }

    @Test
    void kindFilesGetTheKindBeforeTheExtension() {
        assertEquals(Path.of("/t/out.alloc.collapsed"), AgentOptions.kindFile(Path.of("/t/out.collapsed"), "alloc"));
        assertEquals(Path.of("/t.d/out.lock"), AgentOptions.kindFile(Path.of("/t.d/out"), "lock"));
        assertEquals(Path.of(".hidden.cpu"), AgentOptions.kindFile(Path.of(".hidden"), "cpu"));
    }

    @Test
    void sizesParseWithKMG() {
        assertEquals(524288, ByteSize.parse("512k").bytes());
        assertEquals(3L << 20, ByteSize.parse("3M").bytes());
        assertEquals(1L << 30, ByteSize.parse("1g").bytes());
        assertEquals(100, ByteSize.parse("100").bytes());
        assertEquals("512k", ByteSize.parse("524288").toString());
        for (String bad : new String[] {"", "0", "2g", "1.5m", "10kb", "-1"}) {
            assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(bad), bad);
        }
    }
}
