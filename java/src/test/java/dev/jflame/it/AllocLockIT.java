package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.AllocWorkload;
import dev.jflame.workload.LockWorkload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** alloc and lock profiles, alone and next to a time event, at load and at attach, in real JVMs. */
class AllocLockIT {
    @TempDir
    Path dir;

    @Test
    void allocationSharesFollowTheBytesEachMethodAllocates() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=alloc,interval=64k", AllocWorkload.class, "2000");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        assertEquals("bytes", profile.meta("units").orElse(""));
        assertEquals("alloc", profile.meta("event").orElse(""));
        Map<String, Long> bytes = Shares.samplesIn(profile, "allocateMore", "allocateLess");
        // Hundreds of samples of each at 64k: a standard error near 1 point.
        assertTrue(bytes.get("allocateLess") > 20L * 64 * 1024, () -> "too few samples " + bytes);
        Map<String, Double> shares = Shares.percentAmong(profile, "allocateMore", "allocateLess");
        assertEquals(75, shares.get("allocateMore"), 5, () -> "alloc shares " + shares);
        for (Stack s : profile.stacks()) {
            if (s.frames().stream().anyMatch(f -> f.endsWith(".allocateMore"))) {
                assertEquals("[byte[]]", s.frames().get(s.frames().size() - 1), s::toString);
            }
        }
    }

    @Test
    void liveKeepsTheRetainedAllocationAndDropsTheGarbage() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=alloc,interval=32k,live", AllocWorkload.class, "1000");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        Map<String, Long> bytes = Shares.samplesIn(profile, "retain", "discard", "allocateMore", "allocateLess");
        // 8 MB retained at 32k: about 256 samples, so none at all would be a defect.
        assertTrue(bytes.get("retain") > 4L * 1024 * 1024, () -> "retained bytes " + bytes);
        assertEquals(0, bytes.get("discard"), () -> "garbage is gone: " + bytes);
        assertEquals(0, bytes.get("allocateMore") + bytes.get("allocateLess"), () -> "garbage is gone: " + bytes);
        assertTrue(run.stderr().contains("objects live"), run.stderr());
    }

    @Test
    void twoThreadsFightingForOneMonitorShowTheContendedMethodInNanoseconds() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=lock", LockWorkload.class, "1500");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        assertEquals("ns", profile.meta("units").orElse(""));
        assertEquals("lock", profile.meta("event").orElse(""));
        long total = AttachTargets.samplesOf(profile);
        long contended = Shares.samplesIn(profile, "contended").get("contended");
        // Each hold is 2 ms of spinning, so the other thread waits milliseconds at a time.
        assertTrue(contended > 20_000_000L, () -> "ns waited in contended: " + contended + "\n" + profile.stacks());
        assertTrue(contended > 0.9 * total, () -> contended + " of " + total);
        for (Stack s : profile.stacks()) {
            if (s.frames().stream().anyMatch(f -> f.endsWith(".contended"))) {
                assertEquals("[java.lang.Object]", s.frames().get(s.frames().size() - 1), s::toString);
            }
        }
    }

    @Test
    void severalKindsAtOnceWriteOneFilePerKind() throws Exception {
        AgentRun agent = AgentRun.run(dir, "event=cpu,alloc=64k,lock=10us", LockWorkload.class, "1000");
        assertEquals(0, agent.exitCode(), agent.stderr());
        assertFalse(Files.exists(dir.resolve("profile.collapsed")));
        for (String kind : List.of("cpu", "alloc", "lock")) {
            Path file = dir.resolve("profile." + kind + ".collapsed");
            assertTrue(Files.isRegularFile(file), () -> kind + " missing: " + agent.stderr());
            assertEquals(kind, new CollapsedParser().parse(file).meta("event").orElse(""));
            assertTrue(agent.stderr().contains(kind + ": "), agent.stderr());
        }

        Path cli = Files.createDirectories(dir.resolve("cli"));
        Jflame run = Jflame.run(cli, "run", "--alloc=64k", "--lock", "-o", "flame.svg", "-cp", AgentRun.testClasses(),
                LockWorkload.class.getName(), "1000");
        assertEquals(0, run.exitCode(), run.stderr());
        String cpu = Files.readString(cli.resolve("flame.svg"));
        String alloc = Files.readString(cli.resolve("flame.alloc.svg"));
        String lock = Files.readString(cli.resolve("flame.lock.svg"));
        assertTrue(cpu.contains("CPU Flame Graph") && cpu.contains("contended"), "cpu graph");
        assertTrue(alloc.contains("Allocation Flame Graph") && alloc.contains("bytes"), "alloc graph");
        assertTrue(lock.contains("Lock Contention Flame Graph") && lock.contains("contended"), "lock graph");
        assertTrue(run.stderr().contains("flame.alloc.svg") && run.stderr().contains("flame.lock.svg"), run.stderr());

        Jflame toStdout = Jflame.run(cli, "run", "--lock", "-cp", AgentRun.testClasses(),
                LockWorkload.class.getName(), "100");
        assertNotEquals(0, toStdout.exitCode());
        assertTrue(toStdout.stderr().contains("only one can go to stdout"), toStdout.stderr());
        assertEquals(0, toStdout.stdout().length);
    }

    @Test
    void attachStartAndStopRecordAllocations() throws Exception {
        Process target = new ProcessBuilder(AgentRun.java().toString(), "-cp", AgentRun.testClasses(),
                AllocWorkload.class.getName(), "60000").redirectError(dir.resolve("target.stderr").toFile())
                .redirectOutput(dir.resolve("target.stdout").toFile()).start();
        try {
            awaitReady(target, dir.resolve("target.stdout"));
            String pid = Long.toString(target.pid());
            Jflame start = Jflame.run(dir, "attach", pid, "start", "--alloc=64k");
            assertEquals(0, start.exitCode(), start.stderr());
            assertTrue(start.stderr().contains("alloc=65536"), start.stderr());
            Thread.sleep(1500);
            Jflame stop = Jflame.run(dir, "attach", pid, "stop", "-o", "attach.collapsed");
            assertEquals(0, stop.exitCode(), stop.stderr());
            Profile alloc = new CollapsedParser().parse(dir.resolve("attach.alloc.collapsed"));
            assertEquals("bytes", alloc.meta("units").orElse(""));
            Map<String, Double> shares = Shares.percentAmong(alloc, "allocateMore", "allocateLess");
            assertEquals(75, shares.get("allocateMore"), 10, () -> "alloc shares " + shares);
            assertTrue(Files.isRegularFile(dir.resolve("attach.collapsed")), stop.stderr());
            assertTrue(target.isAlive(), "the target survives the attach");
        } finally {
            target.destroyForcibly();
            target.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitReady(Process p, Path stdout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(stdout, StandardCharsets.UTF_8).contains("ready")) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the target did not start");
            }
            Thread.sleep(50);
        }
    }
}
