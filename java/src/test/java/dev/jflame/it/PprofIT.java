package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.SplitWorkload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jflame's pprof output read by Go's own pprof tool: the same methods, counts and stacks as jflame sees. */
class PprofIT {
    private static final Pattern CSV_ROW = Pattern.compile("^\"((?:[^\"]|\"\")*)\",(\\d+),[\\d.]+,(\\d+),[\\d.]+,\\w+$");

    @TempDir
    Path dir;

    /** Stacks a profiler really meets: lines, recursion, threads, spaces, markup and non-ASCII in names. */
    private static final String AWKWARD = String.join("\n",
            "# event: cpu",
            "# units: samples",
            "[main tid=1];app.Main.main:12;app.Work.run:40;app.Work.step:41 7",
            "[main tid=1];app.Main.main:12;app.Work.run:40;app.Work.step:43 5",
            "[main tid=1];app.Main.main:12;app.Rec.go;app.Rec.go;app.Rec.go;app.Rec.leaf 4",
            "[worker 2 tid=9];java.lang.Thread.run;app.Ünïcødé.naïve 3",
            "[worker 2 tid=9];java.lang.Thread.run;app.X.<init>;</script><b>x</b> 2",
            "[worker 2 tid=9];java.lang.Thread.run;libc.so.6;std::vector<int>::push_back(int const&) 1",
            "[worker 2 tid=9];java.util.zip.Deflater.deflateBytesBytes [native];deflate [libz.so.1];memcpy.part.0 [libc.so.6] 2",
            "[worker 2 tid=9];[truncated];app.Deep.frame 1",
            "");

    @Test
    void goPprofTopListsTheMethodsAndCountsOfJflameTop() throws Exception {
        GoPprof pprof = GoPprof.require();
        AgentRun run = AgentRun.run(dir, "", SplitWorkload.class, "time", "1500");
        assertEquals(0, run.exitCode(), run.stderr());
        Path awkward = dir.resolve("awkward.collapsed");
        Files.writeString(awkward, AWKWARD, StandardCharsets.UTF_8);
        for (Path collapsed : new Path[] {run.profileFile(), awkward}) {
            Path pb = dir.resolve(collapsed.getFileName() + ".pb.gz");
            Jflame convert = Jflame.run(dir, "convert", collapsed.toString(), "-o", pb.toString());
            assertEquals(0, convert.exitCode(), convert.stderr());

            Map<String, GoPprof.Row> go = pprof.top(dir, pb);
            Map<String, GoPprof.Row> jflame = jflameTop(collapsed);
            assertTrue(jflame.size() >= 5, "too few methods to compare: " + jflame);
            jflame.forEach((method, row) -> assertEquals(row, go.get(method), collapsed.getFileName() + ": " + method));
            // jflame top leaves out only the thread root frames and [truncated]; pprof lists them as functions.
            go.keySet().stream().filter(m -> !jflame.containsKey(m)).forEach(m -> assertTrue(
                    m.matches("\\[.* tid=\\d+\\]") || m.equals("[truncated]"), "only in pprof: " + m));
        }
        Path real = dir.resolve("profile.collapsed.pb.gz");
        String[] hottest = pprof.run(dir, real, "-top", "-nodecount=1").strip().split("\n");
        long mostSelf = jflameTop(run.profileFile()).values().stream().mapToLong(GoPprof.Row::self).max().orElseThrow();
        assertTrue(hottest[hottest.length - 1].strip().startsWith(mostSelf + " "), "pprof's first row is jflame's "
                + "hottest method (" + mostSelf + " samples): " + hottest[hottest.length - 1]);
    }

    @Test
    void collapsedToPprofAndBackKeepsEveryStackAndCount() throws Exception {
        GoPprof pprof = GoPprof.require();
        Path collapsed = dir.resolve("awkward.collapsed");
        Files.writeString(collapsed, AWKWARD, StandardCharsets.UTF_8);
        Path pb = dir.resolve("awkward.pprof");
        Jflame convert = Jflame.run(dir, "convert", collapsed.toString(), "--format", "pprof", "-o", pb.toString());
        assertEquals(0, convert.exitCode(), convert.stderr());
        byte[] bytes = Files.readAllBytes(pb);
        assertTrue(bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b, "gzip-compressed, not the converter's HTML");

        Map<String, Long> expected = new HashMap<>();
        for (Stack stack : new CollapsedParser().keepingRawNames().parse(collapsed).stacks()) {
            expected.merge(String.join(";", stack.frames()), stack.count(), Long::sum);
        }
        assertEquals(expected, pprof.rawStacks(dir, pb));
        String raw = pprof.run(dir, pb, "-raw");
        assertTrue(raw.contains("cpu/count"), "sample type from the header:\n" + raw);
        assertTrue(pprof.run(dir, pb, "-traces").contains("</script><b>x</b>"), "names pass through unchanged");
        // Native frames lie in a mapping named for their library.
        String mappings = raw.substring(raw.indexOf("Mappings"));
        assertTrue(mappings.lines().anyMatch(l -> l.matches("\\d+: \\S+ libz\\.so\\.1 .*")), "a libz.so.1 mapping:\n" + raw);
        assertTrue(raw.lines().anyMatch(l -> l.matches("\\s*\\d+: 0x0 M=\\d+ deflate \\[libz\\.so\\.1\\] .*")),
                "deflate's location lies in a mapping:\n" + raw);
        assertTrue(raw.lines().anyMatch(l -> l.matches("\\s*\\d+: 0x0 app\\.Work\\.run .*")),
                "a Java method's location lies in none:\n" + raw);
    }

    @Test
    void unitsFromTheHeaderBecomeTheSampleType() throws Exception {
        GoPprof pprof = GoPprof.require();
        Path collapsed = dir.resolve("alloc.collapsed");
        Files.writeString(collapsed, "# event: alloc\n# units: bytes\nmain;app.A.make;byte[] 4096\nmain;app.B.make 512\n");
        Jflame convert = Jflame.run(dir, "svg", collapsed.toString(), "-o", "alloc.pb.gz");
        assertEquals(0, convert.exitCode(), convert.stderr());
        String raw = pprof.run(dir, dir.resolve("alloc.pb.gz"), "-raw");
        assertTrue(raw.contains("alloc/bytes"), raw);
        assertEquals(4608, pprof.rawStacks(dir, dir.resolve("alloc.pb.gz")).values().stream()
                .mapToLong(Long::longValue).sum());
    }

    @Test
    void demoWritesPprofByNameAndByFormat() throws Exception {
        GoPprof pprof = GoPprof.require();
        Jflame byName = Jflame.run(dir, "demo", "--seconds", "1", "-o", "demo.pb.gz");
        assertEquals(0, byName.exitCode(), byName.stderr());
        assertTrue(pprof.top(dir, dir.resolve("demo.pb.gz")).containsKey("dev.jflame.demo.Demo.expensiveFunction"));

        Jflame toStdout = Jflame.run(dir, "demo", "--seconds", "1", "--format", "pprof");
        assertEquals(0, toStdout.exitCode(), toStdout.stderr());
        Path fromStdout = dir.resolve("stdout.pb.gz");
        Files.write(fromStdout, toStdout.stdout());
        assertTrue(pprof.top(dir, fromStdout).containsKey("dev.jflame.demo.Demo.expensiveFunction"));
    }

    private Map<String, GoPprof.Row> jflameTop(Path collapsed) throws Exception {
        Jflame top = Jflame.run(dir, "top", "-n", "1000000", "--format", "csv", collapsed.toString());
        assertEquals(0, top.exitCode(), top.stderr());
        Map<String, GoPprof.Row> rows = new HashMap<>();
        for (String line : top.stdoutText().split("\n")) {
            Matcher m = CSV_ROW.matcher(line);
            if (m.matches()) {
                rows.put(m.group(1).replace("\"\"", "\""), new GoPprof.Row(Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3))));
            }
        }
        return rows;
    }
}
