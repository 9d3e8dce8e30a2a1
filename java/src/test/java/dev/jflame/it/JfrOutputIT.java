package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.workload.AllocWorkload;
import dev.jflame.workload.LockWorkload;
import dev.jflame.workload.SpinForever;
import dev.jflame.workload.SwitchWorkload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import one.jfr.JfrReader;
import one.jfr.event.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JFR output of the agent (file=x.jfr): the samples carry their time, the JDK's parser and
 * async-profiler's converter read every file, a SIGKILL leaves the finished chunks, and the
 * wall, alloc and lock events carry their fields.
 */
class JfrOutputIT {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @TempDir
    Path dir;

    @Test
    void theHotMethodChangesWhenTheWorkloadSwitchesAndClockTimesCutIt() throws Exception {
        Path jfr = dir.resolve("switch.jfr");
        AgentRun run = runWithAgent("interval=1ms,file=" + jfr, SwitchWorkload.class, "2000");
        assertEquals(0, run.exitCode(), run.stderr());
        long switchMs = Long.parseLong(fact(run.stdout(), "switch_epoch_ms"));
        String thread = fact(run.stdout(), "switch_thread");
        assertReadable(jfr);

        // Before the switch (more than 200 ms), then after it, cut by wall-clock times of day.
        int[] before = countAb(jfr, thread, clock(switchMs - 2200), clock(switchMs - 200));
        int[] after = countAb(jfr, thread, clock(switchMs + 200), clock(switchMs + 2200));
        assertTrue(before[0] + before[1] > 100, "too few samples before the switch: a=" + before[0] + " b=" + before[1]);
        assertTrue(after[0] + after[1] > 100, "too few samples after the switch: a=" + after[0] + " b=" + after[1]);
        assertTrue(before[0] >= 0.95 * (before[0] + before[1]), "before: a=" + before[0] + " b=" + before[1]);
        assertTrue(after[1] >= 0.95 * (after[0] + after[1]), "after: a=" + after[0] + " b=" + after[1]);

        // jflame top takes the same range.
        Jflame top = Jflame.run(dir, "top", "--from", clock(switchMs + 200), "--to", clock(switchMs + 2200),
                "--sort", "total", "-n", "8", jfr.toString());
        assertEquals(0, top.exitCode(), top.stderr());
        assertTrue(top.stdoutText().contains("SwitchWorkload.b"), top.stdoutText());
        assertFalse(top.stdoutText().contains("SwitchWorkload.a"), top.stdoutText());
    }

    @Test
    void convertDrawsTheSameStacksAsTheCollapsedOutputWithEveryCount() throws Exception {
        Path jfr = dir.resolve("split.jfr");
        AgentRun jfrRun = runWithAgent("interval=1ms,file=" + jfr, dev.jflame.workload.SplitWorkload.class, "time",
                "1500");
        assertEquals(0, jfrRun.exitCode(), jfrRun.stderr());
        Matcher recorded = Pattern.compile("jflame: (\\d+) samples").matcher(jfrRun.stderr());
        assertTrue(recorded.find(), jfrRun.stderr());
        Jflame convert = Jflame.run(dir, "convert", jfr.toString(), "-o", "from-jfr.collapsed");
        assertEquals(0, convert.exitCode(), convert.stderr());
        java.util.Map<String, Long> fromJfr = stacks(dir.resolve("from-jfr.collapsed"));
        // Every sample the agent counted is in the file, once.
        assertEquals(Long.parseLong(recorded.group(1)), fromJfr.values().stream().mapToLong(Long::longValue).sum());

        Path collapsed = dir.resolve("split.collapsed");
        AgentRun collapsedRun = runWithAgent("interval=1ms,file=" + collapsed, dev.jflame.workload.SplitWorkload.class,
                "time", "1500");
        assertEquals(0, collapsedRun.exitCode(), collapsedRun.stderr());
        java.util.Map<String, Long> fromCollapsed = stacks(collapsed);
        // The hot stacks are named alike in both (the same code names them); counts differ by run.
        for (String method : List.of("sixty", "thirty", "ten")) {
            String inJfr = fromJfr.keySet().stream().filter(k -> k.endsWith("SplitWorkload." + method
                    + ";dev.jflame.workload.Spin.forCpu")).findFirst().orElse("none in JFR");
            assertTrue(fromCollapsed.containsKey(inJfr), inJfr + " not in " + fromCollapsed.keySet());
        }
    }

    private static java.util.Map<String, Long> stacks(Path collapsed) throws IOException {
        java.util.Map<String, Long> stacks = new java.util.HashMap<>();
        for (String line : Files.readAllLines(collapsed, StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            stacks.merge(line.substring(0, space), Long.parseLong(line.substring(space + 1)), Long::sum);
        }
        return stacks;
    }

    @Test
    void aJvmKilledInItsThirdChunkLeavesTwoChunksBothReadersAccept() throws Exception {
        Path jfr = dir.resolve("killed.jfr");
        List<String> cmd = AgentRun.command(dir, "interval=1ms,chunk=1s,file=" + jfr, SpinForever.class);
        cmd.removeIf(arg -> arg.startsWith("-agentpath:"));
        cmd.add(1, "-agentpath:" + AgentRun.agentLibrary() + "=interval=1ms,chunk=1s,file=" + jfr);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.out").toFile()).start();
        try {
            // Two chunks written (at about 1 s and 2 s), then kill in the third.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (chunkSizes(jfr).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(400);
            assertEquals(2, chunkSizes(jfr).size(), "chunks before the kill");
            p.destroyForcibly();  // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(2, chunkSizes(jfr).size());
        assertEquals(Files.size(jfr), chunkSizes(jfr).stream().mapToLong(Long::longValue).sum(), "whole chunks only");
        assertReadable(jfr);
        Jflame summary = jfrTool("summary", jfr);
        assertTrue(summary.stdoutText().contains("Chunks: 2"), summary.stdoutText());
    }

    @Test
    void wallAllocAndLockEventsCarryTheirFields() throws Exception {
        Path wallAlloc = dir.resolve("wall-alloc.jfr");
        AgentRun run = runWithAgent("event=wall,interval=10ms,alloc=64k,file=" + wallAlloc, AllocWorkload.class, "1500");
        assertEquals(0, run.exitCode(), run.stderr());
        assertReadable(wallAlloc);
        List<RecordedEvent> wall = events(wallAlloc, "profiler.WallClockSample");
        assertFalse(wall.isEmpty(), "no wall samples");
        for (RecordedEvent e : wall) {
            assertTrue(e.getInt("samples") >= 1);
            assertTrue(e.getString("state").startsWith("STATE_"), e.toString());
            assertTrue(e.getThread("sampledThread").getOSThreadId() > 0, e.toString());
        }
        assertTrue(wall.stream().anyMatch(e -> e.getString("state").equals("STATE_WAITING")
                || e.getString("state").equals("STATE_SLEEPING")), "every wall sample was running");
        List<RecordedEvent> alloc = events(wallAlloc, "jdk.ObjectAllocationSample");
        assertFalse(alloc.isEmpty(), "no allocation samples");
        assertTrue(alloc.stream().anyMatch(e -> e.getClass("objectClass").getName().equals("long[]")
                || e.getClass("objectClass").getName().equals("[J")), "no long[] allocations: " + alloc.get(0));
        for (RecordedEvent e : alloc) {
            assertTrue(e.getLong("weight") > 0, e.toString());
            assertFalse(e.getStackTrace().getFrames().isEmpty(), e.toString());
        }

        Path lock = dir.resolve("lock.jfr");
        run = runWithAgent("event=lock,file=" + lock, LockWorkload.class, "1500");
        assertEquals(0, run.exitCode(), run.stderr());
        assertReadable(lock);
        List<RecordedEvent> locks = events(lock, "jdk.JavaMonitorEnter");
        assertFalse(locks.isEmpty(), "no lock events");
        for (RecordedEvent e : locks) {
            assertTrue(e.getDuration().toNanos() >= 10_000, e.toString());
            assertEquals("java.lang.Object", e.getClass("monitorClass").getName());
            assertTrue(e.getStackTrace().getFrames().get(0).getMethod().getName().equals("contended"), e.toString());
        }
        // The converter reads them as lock samples too.
        Jflame convert = Jflame.run(dir, "convert", "--event", "lock", lock.toString(), "-o", "lock.collapsed");
        assertEquals(0, convert.exitCode(), convert.stderr());
        assertTrue(Files.readString(dir.resolve("lock.collapsed")).contains("LockWorkload.contended"));
    }

    @Test
    void aHeatmapIsWrittenFromARecording() throws Exception {
        Path jfr = dir.resolve("heat.jfr");
        Jflame run = Jflame.run(dir, "run", "-i", "1ms", "-o", jfr.toString(), "-cp", AgentRun.testClasses(),
                SwitchWorkload.class.getName(), "500");
        assertEquals(0, run.exitCode(), run.stderr());
        assertReadable(jfr);
        Jflame heat = Jflame.run(dir, "convert", jfr.toString(), "--format", "heatmap", "-o", "heat.html");
        assertEquals(0, heat.exitCode(), heat.stderr());
        String html = Files.readString(dir.resolve("heat.html"));
        assertTrue(html.contains("<canvas") || html.contains("<html"), "not HTML");
    }

    // --- helpers ---------------------------------------------------------------------------

    private AgentRun runWithAgent(String options, Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(AgentRun.java().toString(),
                "-agentpath:" + AgentRun.agentLibrary() + "=" + options,
                "-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints", "-cp", AgentRun.testClasses(),
                main.getName()));
        cmd.addAll(List.of(args));
        return AgentRun.exec(dir, cmd, dir.resolve("unused.collapsed"));
    }

    private static String clock(long epochMs) {
        return CLOCK.format(Instant.ofEpochMilli(epochMs).atZone(ZoneId.systemDefault()));
    }

    private static String fact(String stdout, String key) {
        Matcher m = Pattern.compile("(?m)^" + key + " (.+)$").matcher(stdout);
        assertTrue(m.find(), "no " + key + " in: " + stdout);
        return m.group(1).strip();
    }

    /** Samples of {@code thread} in a or b, within the range, through convert --threads. */
    private int[] countAb(Path jfr, String thread, String from, String to) throws Exception {
        Path out = dir.resolve("range.collapsed");
        Jflame convert = Jflame.run(dir, "convert", "--threads", "--from", from, "--to", to, jfr.toString(),
                "-o", out.toString());
        assertEquals(0, convert.exitCode(), convert.stderr());
        int[] ab = new int[2];
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (!line.startsWith("[" + thread + " tid=")) {
                continue;
            }
            long count = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
            if (line.contains("SwitchWorkload.a;") || line.contains("SwitchWorkload.a ")) {
                ab[0] += (int) count;
            } else if (line.contains("SwitchWorkload.b;") || line.contains("SwitchWorkload.b ")) {
                ab[1] += (int) count;
            }
        }
        return ab;
    }

    /** The sizes of the whole chunks at the start of the file (a JFR chunk header says its size). */
    static List<Long> chunkSizes(Path jfr) throws IOException {
        List<Long> sizes = new ArrayList<>();
        if (!Files.exists(jfr)) {
            return sizes;
        }
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(jfr));
        int pos = 0;
        while (pos + 68 <= bytes.limit() && bytes.getInt(pos) == 0x464c5200) {
            long size = bytes.getLong(pos + 8);
            if (size <= 0 || pos + size > bytes.limit()) {
                break;
            }
            sizes.add(size);
            pos += (int) size;
        }
        return sizes;
    }

    /** The JDK's parser, its jfr tool, and async-profiler's converter all read the file whole. */
    static void assertReadable(Path jfr) throws Exception {
        long jdkEvents = RecordingFile.readAllEvents(jfr).size();
        assertTrue(jdkEvents > 0, "the JDK's parser found no events in " + jfr);
        Jflame summary = jfrTool("summary", jfr);
        assertEquals(0, summary.exitCode(), summary.stderr());
        Jflame print = jfrTool("print", jfr);
        assertEquals(0, print.exitCode(), print.stderr());
        long converterEvents = 0;
        try (JfrReader reader = new JfrReader(jfr.toString())) {
            for (Event e; (e = reader.readEvent()) != null; ) {
                converterEvents++;
            }
            assertFalse(reader.incomplete(), "the converter found an incomplete chunk");
        }
        assertEquals(jdkEvents, converterEvents, "the JDK's parser and the converter see different events");
    }

    private static List<RecordedEvent> events(Path jfr, String type) throws IOException {
        return RecordingFile.readAllEvents(jfr).stream().filter(e -> e.getEventType().getName().equals(type)).toList();
    }

    private static Jflame jfrTool(String command, Path jfr) throws Exception {
        Path tool = Path.of(System.getProperty("java.home"), "bin", "jfr");
        return Jflame.exec(jfr.getParent(), List.of(tool.toString(), command, jfr.toString()));
    }
}
