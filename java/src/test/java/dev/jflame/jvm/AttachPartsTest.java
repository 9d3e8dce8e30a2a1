package dev.jflame.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of an attach that need no JVM to attach to. */
class AttachPartsTest {
    @Test
    void theAgentsStatusFileIsRead() {
        AgentStatus status = AgentStatus.parse("# jflame attach status\nresult: error\nmessage: already profiling: "
                + "a: b\nstate: running\nsamples: 12\n");
        assertFalse(status.ok());
        assertEquals("already profiling: a: b", status.message());
        assertTrue(status.running());
        assertEquals("12", status.fact("samples"));
        assertEquals("", status.fact("absent"));
    }

    @Test
    void theLastDisableAttachMechanismFlagWins() {
        assertTrue(TargetProcess.lastJvmFlag(List.of("java", "-XX:+DisableAttachMechanism", "Main"),
                "DisableAttachMechanism"));
        assertFalse(TargetProcess.lastJvmFlag(List.of("-XX:+DisableAttachMechanism -Xmx1g", "java",
                "-XX:-DisableAttachMechanism"), "DisableAttachMechanism"));
        assertFalse(TargetProcess.lastJvmFlag(List.of("java", "Main", "-XX:+DisableAttachMechanismX"),
                "DisableAttachMechanism"));
    }

    @Test
    void javaVersionsOldAndNewSpelling() {
        assertEquals(8, AttachedJvm.majorVersion("1.8"));
        assertEquals(17, AttachedJvm.majorVersion("17"));
        assertEquals(25, AttachedJvm.majorVersion("25"));
        assertEquals(0, AttachedJvm.majorVersion("x"));
    }

    @Test
    void theMainClassOrJarIsFoundOnTheCommandLine() {
        assertEquals("app.jar", main("java", "-Xmx1g", "-jar", "app.jar", "arg"));
        assertEquals("com.example.Main", main("java", "-cp", "a:b", "-Dx=y", "com.example.Main", "arg"));
        assertEquals("mod/com.example.Main", main("java", "--module-path", "mods", "-m", "mod/com.example.Main"));
        assertEquals("?", main("java", "-version"));
    }

    private static String main(String... words) {
        return JvmProcess.mainFromCommandLine(String.join("\0", words).getBytes(StandardCharsets.UTF_8));
    }
}
