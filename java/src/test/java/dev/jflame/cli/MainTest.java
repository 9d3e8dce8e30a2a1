package dev.jflame.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    private final CommandLine cli = Main.newCommandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));

    @Test
    void runIsTheDefaultCommand() {
        assertArrayEquals(new String[] {"run", "app.jar", "x"}, Main.withDefaultCommand(cli, new String[] {"app.jar", "x"}));
        assertArrayEquals(new String[] {"run", "-o", "o.svg", "app.jar"},
                Main.withDefaultCommand(cli, new String[] {"-o", "o.svg", "app.jar"}));
    }

    @Test
    void subcommandsAndTopLevelFlagsAreLeftAlone() {
        assertArrayEquals(new String[] {"svg", "p"}, Main.withDefaultCommand(cli, new String[] {"svg", "p"}));
        assertArrayEquals(new String[] {"--version"}, Main.withDefaultCommand(cli, new String[] {"--version"}));
        assertArrayEquals(new String[] {}, Main.withDefaultCommand(cli, new String[] {}));
    }

    @Test
    void anUnknownWordIsLeftToPicocliNotRewrittenIntoRun() {
        assertArrayEquals(new String[] {"sgv", "x"}, Main.withDefaultCommand(cli, new String[] {"sgv", "x"}));
        assertArrayEquals(new String[] {"profile.collapsed"}, Main.withDefaultCommand(cli, new String[] {"profile.collapsed"}));
        assertArrayEquals(new String[] {"run", "--verbose", "app.jar"},
                Main.withDefaultCommand(cli, new String[] {"--verbose", "app.jar"}));
        assertArrayEquals(new String[] {"--verbose", "svg", "p"}, Main.withDefaultCommand(cli, new String[] {"--verbose", "svg", "p"}));
        assertArrayEquals(new String[] {"run", "-cp", "lib", "Main"}, Main.withDefaultCommand(cli, new String[] {"-cp", "lib", "Main"}));
    }

    @Test
    void aSwapOrATypoInACommandIsNear() {
        Set<String> commands = cli.getSubcommands().keySet();
        assertEquals(List.of("svg"), UsageErrorReporter.nearCommands("sgv", commands));
        assertEquals(List.of("attach"), UsageErrorReporter.nearCommands("atach", commands));
        assertEquals(List.of("convert"), UsageErrorReporter.nearCommands("covnert", commands));
        assertEquals(List.of(), UsageErrorReporter.nearCommands("frobnicate", commands));
    }
}
