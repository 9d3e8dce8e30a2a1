package dev.jflame.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
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
}
