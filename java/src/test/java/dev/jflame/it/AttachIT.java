package dev.jflame.it;

import static dev.jflame.it.AttachTargets.jflame;
import static dev.jflame.it.AttachTargets.profile;
import static dev.jflame.it.AttachTargets.samplesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.workload.AttachTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jflame attach} against real JVMs started without any agent. */
class AttachIT {
    private static final String HOT = "AttachTarget.hotMethod";

    @TempDir
    Path dir;

    private static double hotShare(Profile profile) {
        return 100.0 * Shares.samplesIn(profile, "hotMethod").get("hotMethod") / Math.max(1, samplesOf(profile));
    }

    @Test
    void profilesARunningJvmStartStopAndAgainWithoutChangingIt() throws Exception {
        AttachTargets.Target target = AttachTargets.start(dir, 120);
        try {
            String pid = Long.toString(target.pid());
            Jflame timed = jflame(dir, "attach", pid, "-d", "2s", "-o", "timed.collapsed");
            assertEquals(0, timed.exitCode(), timed.stderr());
            Profile first = profile(dir.resolve("timed.collapsed"));
            assertTrue(samplesOf(first) >= 50, "samples: " + samplesOf(first));
            assertTrue(hotShare(first) > 80, HOT + " dominates: " + hotShare(first) + "%");

            Jflame start = jflame(dir, "attach", pid, "start", "-i", "5ms");
            assertEquals(0, start.exitCode(), start.stderr());
            Jflame again = jflame(dir, "attach", pid, "start", "-e", "itimer");
            assertEquals(1, again.exitCode());
            assertTrue(again.stderr().contains("already profiling with other options (event=cpu,interval=5ms"),
                    again.stderr());
            Jflame same = jflame(dir, "attach", pid, "start", "-i", "5ms");
            assertEquals(0, same.exitCode(), same.stderr());

            Thread.sleep(1000);
            Jflame dump = jflame(dir, "attach", pid, "dump", "-o", "dump.collapsed");
            assertEquals(0, dump.exitCode(), dump.stderr());
            long partial = samplesOf(profile(dir.resolve("dump.collapsed")));
            assertTrue(partial > 0 && hotShare(profile(dir.resolve("dump.collapsed"))) > 80);

            Thread.sleep(500);
            Jflame status = jflame(dir, "attach", pid, "status");
            assertEquals(0, status.exitCode(), status.stderr());
            assertTrue(status.stdoutText().contains("state: running"), status.stdoutText());

            Jflame stop = jflame(dir, "attach", pid, "stop", "-o", "stop.collapsed");
            assertEquals(0, stop.exitCode(), stop.stderr());
            Profile whole = profile(dir.resolve("stop.collapsed"));
            assertTrue(samplesOf(whole) > partial, "dump is a part of what stop writes: " + partial + " < "
                    + samplesOf(whole));

            Jflame stopAgain = jflame(dir, "attach", pid, "stop");
            assertEquals(1, stopAgain.exitCode());
            assertTrue(stopAgain.stderr().contains("not profiling"), stopAgain.stderr());
            assertTrue(jflame(dir, "attach", pid, "status").stdoutText().contains("state: stopped"));

            // Stopped means disarmed: a profile started now begins from zero, and works as before.
            Jflame later = jflame(dir, "attach", pid, "-d", "1s", "-o", "later.svg");
            assertEquals(0, later.exitCode(), later.stderr());
            String svg = Files.readString(dir.resolve("later.svg"));
            assertTrue(svg.startsWith("<?xml") && svg.contains("hotMethod"));

            AttachTargets.Ended ended = target.finish();
            assertEquals(5, ended.exitCode());
            assertEquals("ready\ndone00\n", ended.stdout());
            // The agent keeps quiet; JDK 21 and later warn about the dynamically loaded agent themselves.
            assertFalse(ended.stderr().lines().anyMatch(l -> l.startsWith("jflame")), ended.stderr());
        } finally {
            target.kill();
        }
    }

    /**
     * The method-id walk at a start (every method of every loaded class) is 20-600 ms of CPU
     * with ~20,000 classes. It runs on a thread of its own at a lower priority, which ends
     * with the walk; the attach listener keeps the application's priority, and the methods of
     * classes loaded before the attach are named as before.
     */
    @Test
    void theMethodIdWalkRunsOnALowerPriorityThreadOfItsOwn() throws Exception {
        AttachTargets.Target target = AttachTargets.start(dir, 120);
        try {
            long pid = target.pid();
            Jflame timed = jflame(dir, "attach", Long.toString(pid), "-d", "1s", "-o", "walk.collapsed");
            assertEquals(0, timed.exitCode(), timed.stderr());
            Profile profile = profile(dir.resolve("walk.collapsed"));
            assertTrue(hotShare(profile) > 80, HOT + " named and dominant: " + hotShare(profile) + "%");
            String where = Files.readAllLines(dir.resolve("walk.collapsed")).stream()
                    .filter(l -> l.startsWith("# method_ids_walk_thread: ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no method_ids_walk_thread in the header"));
            Matcher m = Pattern.compile("thread 'jflame method ids', nice (-?\\d+), \\d+ ms elapsed").matcher(where);
            assertTrue(m.find(), where);
            int processNice = niceOf(Path.of("/proc/" + pid + "/stat"));
            assertTrue(Integer.parseInt(m.group(1)) > processNice, where + ", the JVM's nice " + processNice);
            int listeners = 0;
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : tasks.toList()) {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    assertFalse(comm.startsWith("jflame method"), "the walker thread ended: " + comm);
                    if (comm.equals("Attach Listener")) {
                        listeners++;
                        assertEquals(processNice, niceOf(task.resolve("stat")), "the attach listener's nice");
                    }
                }
            }
            assertEquals(1, listeners, "one attach listener thread");
        } finally {
            target.kill();
        }
    }

    /** The nice value of /proc/PID[/task/TID]/stat: field 19, counted after the parenthesised name. */
    private static int niceOf(Path stat) throws java.io.IOException {
        String text = Files.readString(stat);
        String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    /**
     * While no profile runs, JVMTI ThreadStart is off (a thread start then costs the JVM
     * nothing of jflame's): threads started meanwhile are named at the next start, with
     * their whole Java names, not the 15 characters the OS keeps.
     */
    @Test
    void threadsStartedWhileStoppedHaveTheirJavaNamesInTheNextProfile() throws Exception {
        AttachTargets.Target target = AttachTargets.start(dir, 120);
        try {
            String pid = Long.toString(target.pid());
            assertEquals(0, jflame(dir, "attach", pid, "start", "--threads").exitCode());
            Jflame stop = jflame(dir, "attach", pid, "stop", "-o", "first.collapsed");
            assertEquals(0, stop.exitCode(), stop.stderr());
            Files.writeString(Path.of(target.stopFile() + ".spawn"), "spawn");
            Thread.sleep(1000);  // the target looks for the file every 50 ms
            Jflame second = jflame(dir, "attach", pid, "-d", "2s", "--threads", "-o", "second.collapsed");
            assertEquals(0, second.exitCode(), second.stderr());
            Profile profile = profile(dir.resolve("second.collapsed"));
            for (int i = 0; i < AttachTarget.LATE_THREADS; i++) {
                String root = "[" + AttachTarget.LATE_NAME + i + " tid=";
                assertTrue(profile.stacks().stream().anyMatch(s -> s.frames().get(0).startsWith(root)),
                        () -> root + " is a root frame; roots: " + profile.stacks().stream()
                                .map(s -> s.frames().get(0)).distinct().toList());
            }
            // After a fault recovered inside AsyncGetCallTrace: JDK 17 clears the thread's mark
            // at its next completed call, later JDKs never do, so there the thread is not
            // walked again (crash_guard.h).
            String guard = profile.meta("crash_guard").orElse("");
            boolean abandons = Runtime.version().feature() > 17;
            assertTrue(guard.contains(abandons ? "is not Java-walked again" : "is walked again"), guard);
            target.finish();
        } finally {
            Files.deleteIfExists(Path.of(target.stopFile() + ".spawn"));
            target.kill();
        }
    }

    @Test
    void ctrlCEndsTheDurationEarlyAndStillDraws() throws Exception {
        // The option that silences JDK 21+'s warning about dynamically loaded agents.
        AttachTargets.Target target = AttachTargets.start(dir, 120, "-XX:+EnableDynamicAgentLoading");
        try {
            Path err = dir.resolve("cli.stderr");
            Process cli = new ProcessBuilder(AgentRun.java().toString(), "-jar", Jflame.jar().toString(), "attach",
                    Long.toString(target.pid()), "-d", "60s", "-o", dir.resolve("ctrlc.collapsed").toString())
                    .redirectOutput(dir.resolve("cli.stdout").toFile()).redirectError(err.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(err).contains("profiling JVM") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1000);
            new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).start().waitFor();
            assertTrue(cli.waitFor(30, TimeUnit.SECONDS), "jflame ended after Ctrl-C");
            Profile profile = profile(dir.resolve("ctrlc.collapsed"));
            assertTrue(hotShare(profile) > 80, Files.readString(err));
            assertTrue(target.process().isAlive());
            AttachTargets.Ended ended = target.finish();
            assertEquals(5, ended.exitCode());
            assertFalse(ended.stderr().contains("WARNING"), ended.stderr());
        } finally {
            target.kill();
        }
    }

    @Test
    void noSuchProcess() throws Exception {
        Jflame r = jflame(dir, "attach", "999999999", "-d", "1s");
        assertEquals(1, r.exitCode());
        assertEquals("jflame: no such process: 999999999\n", r.stderr());
    }

    @Test
    void aProcessThatIsNoJvmIsLeftAlone() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            Jflame r = jflame(dir, "attach", Long.toString(sleep.pid()), "status");
            assertEquals(1, r.exitCode());
            assertEquals("jflame: process " + sleep.pid() + " (sleep) is not a Java VM\n", r.stderr());
            assertTrue(sleep.isAlive(), "no SIGQUIT was sent");
        } finally {
            sleep.destroyForcibly();
        }
    }

    @Test
    void aJvmWithoutTheAttachMechanismIsLeftAlone() throws Exception {
        AttachTargets.Target target = AttachTargets.start(dir, 120, "-XX:+DisableAttachMechanism");
        try {
            Jflame r = jflame(dir, "attach", Long.toString(target.pid()), "-d", "1s");
            assertEquals(1, r.exitCode());
            assertTrue(r.stderr().contains("was started with -XX:+DisableAttachMechanism and accepts no attach"),
                    r.stderr());
            AttachTargets.Ended ended = target.finish();
            assertEquals("ready\ndone00\n", ended.stdout(), "no thread dump from a SIGQUIT");
            assertEquals(5, ended.exitCode());
        } finally {
            target.kill();
        }
    }

    @Test
    void aJvmOfAnotherUserIsRefused() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs root to run jflame as another user");
        AttachTargets.Target target = AttachTargets.start(dir, 120);
        try {
            Jflame r = jflame(dir, List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"),
                    List.of("-Djava.io.tmpdir=/tmp"), "attach", Long.toString(target.pid()), "status");
            assertEquals(1, r.exitCode());
            assertTrue(r.stderr().contains("process " + target.pid() + " belongs to user root: jflame attaches only to "
                    + "JVMs of its own user (or runs as root)"), r.stderr());
        } finally {
            target.kill();
        }
    }

    @Test
    void aJvmTooOldForTheAgentIsRefusedBeforeLoading() throws Exception {
        AttachTargets.Target target = AttachTargets.start(dir, 120);
        try {
            // No JDK older than 17 is installed to test with: the minimum is raised instead.
            Jflame r = jflame(dir, List.of(), List.of("-Djflame.minimumTargetJava=99"), "attach",
                    Long.toString(target.pid()), "-d", "1s");
            assertEquals(1, r.exitCode());
            assertTrue(r.stderr().matches("jflame: JVM \\d+ runs Java [0-9.]+, too old for the jflame agent "
                    + "\\(Java 99 or newer\\)\n"), r.stderr());
            Jflame status = jflame(dir, "attach", Long.toString(target.pid()), "status");
            assertTrue(status.stdoutText().contains("state: idle"), "the agent was not loaded before: "
                    + status.stdoutText());
        } finally {
            target.kill();
        }
    }

    @Test
    void aJvmExitingDuringTheAttachIsReportedWithWhatRan() throws Exception {
        AttachTargets.Target target = AttachTargets.start(dir, 4);
        try {
            Jflame r = jflame(dir, "attach", Long.toString(target.pid()), "-d", "30s", "-o", "exit.collapsed");
            assertEquals(1, r.exitCode());
            assertTrue(r.stderr().contains("JVM " + target.pid() + " exited during the attach"), r.stderr());
            assertEquals(5, target.process().waitFor());
        } finally {
            target.kill();
        }
    }

    @Test
    void listShowsTheTarget() throws Exception {
        AttachTargets.Target target = AttachTargets.start(dir, 120);
        try {
            Jflame r = jflame(dir, "list");
            assertEquals(0, r.exitCode(), r.stderr());
            assertTrue(r.stdoutText().lines().anyMatch(l -> l.startsWith(target.pid() + " ")
                    && l.endsWith("dev.jflame.workload.AttachTarget") && l.contains(Runtime.version().feature() + "")),
                    r.stdoutText());
            assertNotEquals("", r.stdoutText());
        } finally {
            target.kill();
        }
    }
}
