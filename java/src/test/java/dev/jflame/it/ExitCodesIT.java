package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exit-code rule of `jflame --help`, command by command, through the packaged jar: 0 success,
 * 1 a runtime failure, 2 a usage error, 3 (run, demo) the app exited 0 without a profile, else
 * the app's own code. Each case also names a piece of what stderr must say.
 */
class ExitCodesIT {
    @TempDir
    static Path dir;

    private static AttachTargets.Target target;

    @BeforeAll
    static void files() throws Exception {
        Files.writeString(dir.resolve("ok.collapsed"), "main;work;hot 90\nmain;work;cold 10\n");
        Files.writeString(dir.resolve("bad.collapsed"), "main;work 3\nno count here\n");
        Files.writeString(dir.resolve("notes.txt"), "not a jar\n");
        AgentRun.workloadJar(dir.resolve("app.jar"), "dev.jflame.workload.ExitWorkload");
        target = AttachTargets.start(dir, 600);
    }

    @AfterAll
    static void stopTarget() throws Exception {
        if (target != null) {
            target.finish();
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // jflame itself
                c(0, "Commands:", "--help"),
                c(0, "", "--version"),
                c(2, "Usage: jflame"),
                c(2, "Did you mean: jflame svg?", "sgv", "x"),
                c(2, "To profile an app", "frobnicate"),
                c(2, "Possible solutions: --output", "--outptu", "x.svg", "app.jar"),
                c(0, "complete -F", "completion", "bash"),
                c(0, "bashcompinit", "completion", "zsh"),
                c(2, "fish", "completion", "fish"),
                // run: the app's code passes through; jflame's own failures are 1 and 2
                c(0, "wrote {dir}/run.svg", "run", "-o", "{dir}/run.svg", "{dir}/app.jar", "300", "0"),
                c(7, "wrote {dir}/run7.svg", "-o", "{dir}/run7.svg", "{dir}/app.jar", "300", "7"),
                c(3, "left no profile", "run", "--java", "/bin/true", "{dir}/app.jar"),
                c(1, "no such jar", "run", "{dir}/missing.jar"),
                c(2, "is not a jar", "run", "{dir}/notes.txt"),
                c(2, "depth must be between", "run", "--depth", "0", "{dir}/app.jar"),
                c(2, "takes no --interval", "run", "-e", "alloc", "-i", "1ms", "{dir}/app.jar"),
                c(2, "Missing required parameter", "run"),
                c(1, "does not exist", "run", "-o", "{dir}/no/such/dir/x.svg", "{dir}/app.jar"),
                // demo
                c(0, "wrote {dir}/demo.svg", "demo", "--seconds", "1", "-o", "{dir}/demo.svg"),
                c(2, "--seconds must be between", "demo", "--seconds", "0"),
                c(2, "invalid interval", "demo", "-i", "10"),
                c(1, "does not exist", "demo", "-o", "{dir}/no/such/dir/x.svg"),
                // svg
                c(0, "wrote {dir}/svg.svg", "svg", "{dir}/ok.collapsed", "-o", "{dir}/svg.svg"),
                c(1, "bad.collapsed:2", "svg", "{dir}/bad.collapsed"),
                c(1, "no such file", "svg", "{dir}/missing.collapsed"),
                c(2, "--minwidth", "svg", "--minwidth", "wide", "{dir}/ok.collapsed"),
                c(2, "Missing required parameter", "svg"),
                // top
                c(0, "", "top", "{dir}/ok.collapsed"),
                c(0, "skipped 1 malformed line", "top", "--skip-bad-lines", "{dir}/bad.collapsed"),
                c(1, "bad.collapsed:2", "top", "{dir}/bad.collapsed"),
                c(2, "-n must be at least 1", "top", "-n", "0", "{dir}/ok.collapsed"),
                c(2, "for a running JVM", "top", "--once", "{dir}/ok.collapsed"),
                c(1, "no such process", "top", "999999999", "--once"),
                c(0, "", "top", "{pid}", "--once", "--refresh", "300ms"),
                // convert
                c(0, "wrote {dir}/c.pb.gz", "convert", "{dir}/ok.collapsed", "-o", "{dir}/c.pb.gz"),
                c(1, "no such file", "convert", "{dir}/missing.jfr", "-o", "{dir}/c.svg"),
                c(2, "apply to JFR recordings", "convert", "--event", "cpu", "{dir}/ok.collapsed", "-o", "{dir}/c.svg"),
                c(2, "otlp", "convert", "{dir}/ok.collapsed", "-o", "{dir}/c.otlp"),
                // diff
                c(0, "wrote {dir}/d.svg", "diff", "{dir}/ok.collapsed", "{dir}/ok.collapsed", "-o", "{dir}/d.svg"),
                c(2, "only one of BEFORE and AFTER", "diff", "-", "-"),
                c(1, "no such file", "diff", "{dir}/ok.collapsed", "{dir}/missing.collapsed"),
                c(2, "Missing required parameter", "diff", "{dir}/ok.collapsed"),
                // attach
                c(0, "wrote {dir}/a.svg", "attach", "{pid}", "-d", "1s", "-o", "{dir}/a.svg"),
                c(0, "state: ", "attach", "{pid}", "status"),
                c(1, "no such process", "attach", "999999999", "status"),
                c(2, "duration must be at least 10ms", "attach", "{pid}", "-d", "1ms"),
                c(2, "depth must be between", "attach", "999999999", "--depth", "0"),
                c(2, "ACTION", "attach", "{pid}", "frob"),
                c(2, "PID", "attach", "notapid"),
                // dump
                c(0, "", "dump", "{pid}"),
                c(1, "no such process", "dump", "999999999"),
                c(2, "Missing required parameter", "dump"),
                // list
                c(0, "", "list"),
                c(2, "Unmatched argument", "list", "extra"));
    }

    private static Arguments c(int exitCode, String stderr, String... args) {
        return Arguments.of(exitCode, stderr, List.of(args));
    }

    @ParameterizedTest(name = "{0} <- jflame {2}")
    @MethodSource("cases")
    void exitCodeFollowsTheRule(int exitCode, String stderr, List<String> args) throws Exception {
        List<String> resolved = new ArrayList<>();
        for (String arg : args) {
            resolved.add(resolve(arg));
        }
        Jflame run = Jflame.run(dir, resolved.toArray(String[]::new));
        String all = run.stderr() + run.stdoutText();
        assertEquals(exitCode, run.exitCode(), all);
        assertTrue(all.contains(resolve(stderr)), "expected '" + resolve(stderr) + "' in: " + all);
        assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
        if (exitCode == 2 && !args.isEmpty()) {
            assertTrue(run.stderr().contains("--help"), "a usage error points to --help: " + run.stderr());
        }
    }

    @Test
    void attachStatusPrintsItsFactsInTheAgentsOrderEveryTime() throws Exception {
        String pid = Long.toString(target.pid());
        Jflame start = Jflame.run(dir, "attach", pid, "start");
        assertEquals(0, start.exitCode(), start.stderr());
        try {
            List<List<String>> orders = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Jflame status = Jflame.run(dir, "attach", pid, "status");
                assertEquals(0, status.exitCode(), status.stderr());
                orders.add(status.stdoutText().lines().map(l -> l.substring(0, Math.max(0, l.indexOf(':')))).toList());
            }
            List<String> keys = orders.get(0);
            assertEquals(List.of("pid", "java", "message", "state"), keys.subList(0, 4), keys.toString());
            assertTrue(keys.contains("kinds") && keys.indexOf("kinds") < keys.indexOf("samples"), keys.toString());
            assertEquals(keys, orders.get(1));
            assertEquals(keys, orders.get(2));
        } finally {
            Jflame stop = Jflame.run(dir, "attach", pid, "stop", "-o", dir.resolve("status-order.svg").toString());
            assertEquals(0, stop.exitCode(), stop.stderr());
        }
    }

    private static String resolve(String arg) {
        return arg.replace("{dir}", dir.toString()).replace("{pid}", Long.toString(target.pid()));
    }
}
