package dev.jflame.it;

import static dev.jflame.it.AttachTargets.jflame;
import static dev.jflame.it.AttachTargets.profile;
import static dev.jflame.it.AttachTargets.samplesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.workload.ParkedThreadsWorkload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jflame top PID} and {@code jflame dump PID} against real JVMs. */
class LiveViewsIT {
    private static final String HOT = "dev.jflame.workload.Spin.until";

    @TempDir
    Path dir;

    @Test
    void topOnceNamesTheHotMethodFirstAndLeavesTheJvmUnprofiled() throws Exception {
        AttachTargets.Target target = AttachTargets.start(dir, 120);
        try {
            String pid = Long.toString(target.pid());
            Jflame top = jflame(dir, "top", pid, "--once", "-n", "5");
            assertEquals(0, top.exitCode(), top.stderr());
            List<String> lines = top.stdoutText().lines().toList();
            int columns = indexOf(lines, "     SELF    SELF%");
            assertTrue(columns >= 0, top.stdoutText());
            // The hot method is the first Java row; on JDK 25 the vDSO clock it calls
            // (System.nanoTime) may be a native row above it.
            String firstJava = lines.stream().skip(columns + 1).filter(l -> l.contains("  java    "))
                    .findFirst().orElse("");
            assertTrue(firstJava.endsWith("java    " + HOT), top.stdoutText());
            assertTrue(top.stdoutText().contains("profile started by top"), top.stdoutText());

            assertNotProfiled(pid);
            AttachTargets.Ended ended = target.finish();
            assertEquals(5, ended.exitCode());
            assertEquals("ready\ndone00\n", ended.stdout());
        } finally {
            target.kill();
        }
    }

    @Test
    void topDrawsRedrawsAndQuitsOnQInATerminal() throws Exception {
        AttachTargets.Target target = AttachTargets.start(dir, 120);
        // tmux is the terminal: it renders what top draws, and capture-pane reads the screen back.
        Tmux tmux = new Tmux(dir.resolve("tmux.sock"));
        try {
            String pid = Long.toString(target.pid());
            Path rc = dir.resolve("top.rc");
            tmux.run("new-session", "-d", "-s", "top", "-x", "120", "-y", "30",
                    AgentRun.java() + " -jar " + Jflame.jar() + " top " + pid + " --refresh 500ms 2> "
                            + dir.resolve("top.stderr") + "; echo $? > " + rc + "; sleep 60");
            String first = tmux.awaitScreen("jflame top - JVM " + pid);
            assertTrue(first.contains("WIN SELF%"), first);
            // A refresh redraws: the header's clock and counts move on.
            String header = first.lines().limit(2).toList().toString();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String later = first;
            while (later.lines().limit(2).toList().toString().equals(header) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                later = tmux.screen();
            }
            assertFalse(later.lines().limit(2).toList().toString().equals(header), later);
            assertTrue(tmux.awaitScreen("Spin.until").contains("Spin.until"));

            tmux.run("send-keys", "-t", "top", "s");
            tmux.awaitScreen("sort: total");
            tmux.run("resize-window", "-t", "top", "-x", "70", "-y", "12");
            String small = tmux.awaitScreen("sort: total  group: function");
            assertTrue(small.lines().allMatch(l -> l.length() <= 70), small);
            assertTrue(small.lines().count() <= 12, small);

            tmux.run("send-keys", "-t", "top", "q");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(rc) && System.nanoTime() < end) {
                Thread.sleep(100);
            }
            assertEquals("0", Files.readString(rc).trim(), Files.readString(dir.resolve("top.stderr")));
            assertEquals("", Files.readString(dir.resolve("top.stderr")));
            assertNotProfiled(pid);
            assertEquals(5, target.finish().exitCode());
        } finally {
            tmux.close();
            target.kill();
        }
    }

    /** A tmux server of this test's own (its own socket), ended by close(). */
    private record Tmux(Path socket) implements AutoCloseable {
        String run(String... args) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tmux " + args[0]);
            assertEquals(0, p.exitValue(), "tmux " + String.join(" ", args) + ": " + out);
            return out;
        }

        String screen() throws IOException, InterruptedException {
            return run("capture-pane", "-p", "-t", "top");
        }

        String awaitScreen(String text) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String screen = screen();
            while (!screen.contains(text)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no '" + text + "' on the screen:\n" + screen);
                }
                Thread.sleep(100);
                screen = screen();
            }
            return screen;
        }

        @Override
        public void close() {
            try {
                new ProcessBuilder("tmux", "-S", socket.toString(), "kill-server").start().waitFor(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                // The server ends with its last session anyway.
            }
        }
    }

    @Test
    void topReadsAProfileStartedByAttachAndLeavesItComplete() throws Exception {
        AttachTargets.Target target = AttachTargets.start(dir, 120);
        try {
            String pid = Long.toString(target.pid());
            Path err = dir.resolve("attach.stderr");
            Path whole = dir.resolve("whole.collapsed");
            Process attach = new ProcessBuilder(AgentRun.java().toString(), "-jar", Jflame.jar().toString(), "attach",
                    pid, "-d", "6s", "-o", whole.toString())
                    .redirectOutput(dir.resolve("attach.stdout").toFile()).redirectError(err.toFile()).start();
            awaitText(err, "profiling JVM", 1);
            Jflame top = jflame(dir, "top", pid, "--duration", "2s", "--refresh", "500ms", "-n", "3");
            assertEquals(0, top.exitCode(), top.stderr());
            assertTrue(top.stdoutText().contains("reading a running profile"), top.stdoutText());
            assertTrue(top.stdoutText().contains(HOT), top.stdoutText());
            Matcher seen = Pattern.compile("since start: (\\d+) samples").matcher(top.stdoutText());
            long seenByTop = 0;
            while (seen.find()) {
                seenByTop = Long.parseLong(seen.group(1));
            }

            assertTrue(attach.waitFor(60, TimeUnit.SECONDS), "attach -d ended");
            // attach's own stop succeeds only if top left its profile running.
            assertEquals(0, attach.exitValue(), Files.readString(err));
            Profile profile = profile(whole);
            long samples = samplesOf(profile);
            long durationMs = Long.parseLong(profile.meta("duration_ms").orElse("0"));
            assertTrue(durationMs >= 5500, "the profile covers the whole 6 s: " + durationMs + " ms");
            // Top's windows are parts of the profile, which kept counting before and after them.
            assertTrue(samples > seenByTop && seenByTop > 0, "samples: " + samples + ", top saw " + seenByTop);
            assertTrue(100.0 * Shares.samplesIn(profile, "hotMethod").get("hotMethod") / samples > 80, "hot share");
            assertNotProfiled(pid);
            assertEquals(5, target.finish().exitCode());
        } finally {
            target.kill();
        }
    }

    @Test
    void dumpListsJstacksThreadsAndTheirTopJavaFrames() throws Exception {
        Path stop = Path.of(AgentRun.testClasses()).resolveSibling("parked-stop-" + System.nanoTime());
        Path out = dir.resolve("target.stdout");
        Process target = new ProcessBuilder(AgentRun.java().toString(), "-cp", AgentRun.testClasses(),
                ParkedThreadsWorkload.class.getName(), "120", stop.toString())
                .redirectOutput(out.toFile()).redirectError(dir.resolve("target.stderr").toFile()).start();
        try {
            awaitText(out, "ready", 1);
            String pid = Long.toString(target.pid());
            Jflame dump = jflame(dir, "dump", pid);
            assertEquals(0, dump.exitCode(), dump.stderr());
            Map<String, List<String>> ours = threads(dump.stdoutText(), "^\"(.*)\"(?: #\\d+)? tid=\\d+.*$", "    at ");
            Map<String, List<String>> jstack = threads(jstack(pid), "^\"(.*)\" .*$", "\tat ");

            for (String name : jstack.keySet()) {
                // Threads the JVM hides from tools carry their kernel name: 15 characters.
                boolean listed = ours.containsKey(name) || name.length() > 15 && ours.containsKey(name.substring(0, 15));
                assertTrue(listed, "jstack's thread '" + name + "' is in the dump:\n" + dump.stdoutText());
            }
            for (String name : List.of("parked-0", "parked-1", "parked-2", "sleeper", "waiter")) {
                List<String> mine = ours.get(name);
                List<String> theirs = jstack.get(name);
                assertTrue(mine != null && !mine.isEmpty(), name + ":\n" + dump.stdoutText());
                // jstack's top frame is the top Java frame; the dump has the C functions above it.
                assertEquals(method(theirs.get(0)), method(firstJava(mine)), name + "'s top Java frame");
                String known = name.startsWith("parked") ? "parkHere" : name.equals("sleeper") ? "sleepHere" : "waitHere";
                assertTrue(mine.stream().anyMatch(f -> f.contains("ParkedThreadsWorkload." + known)), mine.toString());
            }
            assertTrue(firstJava(ours.get("main")).startsWith(HOT), ours.get("main").toString());
            assertTrue(dump.stdoutText().contains("without a safepoint"), dump.stdoutText());

            Jflame json = jflame(dir, "dump", "--json", pid);
            assertEquals(0, json.exitCode(), json.stderr());
            assertTrue(json.stdoutText().startsWith("{\"pid\":" + pid + ",\"threads\":[{"), json.stdoutText());
            assertTrue(json.stdoutText().contains("\"name\":\"parked-0\""), json.stdoutText());
            assertNotProfiled(pid);
            Files.writeString(stop, "stop");
            assertTrue(target.waitFor(60, TimeUnit.SECONDS));
            assertEquals("ready\ndone\n", Files.readString(out));
        } finally {
            target.destroyForcibly();
            Files.deleteIfExists(stop);
        }
    }

    @Test
    void liveOptionsOnAProfileFileAreAUsageError() throws Exception {
        Path file = dir.resolve("p.collapsed");
        Files.writeString(file, "main;work 3\n");
        Jflame r = jflame(dir, "top", file.toString(), "--once");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("for a running JVM (top PID)"), r.stderr());
        Jflame gone = jflame(dir, "dump", "999999999");
        assertEquals(1, gone.exitCode());
        assertEquals("jflame: no such process: 999999999\n", gone.stderr());
    }

    private void assertNotProfiled(String pid) throws Exception {
        Jflame status = jflame(dir, "attach", pid, "status");
        assertEquals(0, status.exitCode(), status.stderr());
        assertTrue(status.stdoutText().contains("message: not profiling"), status.stdoutText());
        assertFalse(status.stdoutText().contains("state: running"), status.stdoutText());
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** Waits until {@code file} holds {@code text} at least {@code times} times. */
    private static void awaitText(Path file, String text, int times) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String content = Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
            if (content.split(Pattern.quote(text), -1).length - 1 >= times) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + times + " x '" + text + "' in " + file + ":\n" + content);
            }
            Thread.sleep(50);
        }
    }

    private String jstack(String pid) throws IOException, InterruptedException {
        Path jstackOut = dir.resolve("jstack.out");
        Process p = new ProcessBuilder(AgentRun.java().resolveSibling("jstack").toString(), pid)
                .redirectOutput(jstackOut.toFile()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "jstack ended");
        return Files.readString(jstackOut);
    }

    /** Thread name to its frames (text after {@code framePrefix}), from a dump's text. */
    private static Map<String, List<String>> threads(String text, String head, String framePrefix) {
        Pattern threadLine = Pattern.compile(head);
        Map<String, List<String>> threads = new LinkedHashMap<>();
        List<String> frames = null;
        for (String line : text.lines().toList()) {
            Matcher m = threadLine.matcher(line);
            if (m.matches()) {
                frames = new ArrayList<>();
                threads.put(m.group(1), frames);
            } else if (frames != null && line.startsWith(framePrefix)) {
                frames.add(line.substring(framePrefix.length()));
            }
        }
        return threads;
    }

    /** {@code pkg.Class.method} from a jstack frame ({@code ...method(File.java:12)}) or ours ({@code ...method:12}). */
    private static String method(String frame) {
        return frame.replaceAll("\\(.*\\)$", "").replaceAll(" \\[native\\]$", "").replaceAll(":\\d+$", "");
    }

    /** The first frame that is neither a C function ({@code name [library]}) nor a marker. */
    private static String firstJava(List<String> frames) {
        return frames.stream().filter(f -> dev.jflame.flamegraph.NativeFrameName.parse(f) == null
                && !f.startsWith("[")).findFirst().orElse("");
    }
}
