package dev.jflame.agent;

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
}
