package dev.jflame.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.Profile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MethodTableTest {
    private static Profile parse(String text) throws IOException {
        return new CollapsedParser().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test");
    }

    private static MethodStats row(MethodTable table, String method) {
        return table.top(MethodTable.Order.name, 1000).stream().filter(r -> r.method().equals(method)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + method));
    }

    @Test
    void gcAndJitSharesCountTheirThreadsAndTheVmThreadsCollections() throws IOException {
        MethodTable t = MethodTable.of(parse(String.join("\n",
                "[GC Thread#0];start_thread [libc.so.6];G1EvacuateRegionsTask::work [libjvm.so] 30",
                "[G1 Conc#0 tid=12];G1ConcurrentMark::mark [libjvm.so] 10",
                "[VM Thread];VMThread::run [libjvm.so];VM_G1CollectForAllocation::doit [libjvm.so] 10",
                "[VM Thread];VMThread::run [libjvm.so];VM_Deoptimize::doit [libjvm.so] 5",
                "[C2 CompilerThread0];C2Compiler::compile_method [libjvm.so] 15",
                "[C1 CompilerThre];Compilation::compile_method [libjvm.so] 5",
                "main;a 25", "")), false, false);
        assertEquals(50, t.gcSamples());
        assertEquals(20, t.jitSamples());
        assertEquals("GC 50.00%, JIT compilation 20.00% (by thread)", t.threadKindShares());
        StringWriter text = new StringWriter();
        TableFormat.text.write(t, t.top(MethodTable.Order.self, 3), "samples", false, new PrintWriter(text, true));
        assertTrue(text.toString().contains("100 samples in all; GC 50.00%, JIT compilation 20.00% (by thread)"),
                text.toString());
        assertEquals("", MethodTable.of(parse("main;a 3\n"), false, false).threadKindShares());
    }

    @Test
    void selfIsTheLeafAndTotalIsAnywhereOnTheStack() throws IOException {
        MethodTable t = MethodTable.of(parse("main;a;b 6\nmain;a 3\nmain;c 1\n"), false, false);
        assertEquals(10, t.totalSamples());
        assertEquals(new MethodStats("", "main", 0, 10), row(t, "main"));
        assertEquals(new MethodStats("", "a", 3, 9), row(t, "a"));
        assertEquals(new MethodStats("", "b", 6, 6), row(t, "b"));
        assertEquals(List.of("b", "a", "c", "main"), t.top(MethodTable.Order.self, 10).stream().map(MethodStats::method).toList());
        assertEquals("main", t.top(MethodTable.Order.total, 1).get(0).method());
    }

    @Test
    void recursionCountsOncePerStackInTotals() throws IOException {
        MethodTable t = MethodTable.of(parse("main;fib;fib;fib 4\n"), false, false);
        assertEquals(new MethodStats("", "fib", 4, 4), row(t, "fib"));
        assertEquals(100.0, t.percent(row(t, "fib").total()));
    }

    @Test
    void linesMergeUnlessAskedToSplit() throws IOException {
        Profile p = parse("main:3;work:10 2\nmain:3;work:11 5\n");
        assertEquals(new MethodStats("", "work", 7, 7), row(MethodTable.of(p, false, false), "work"));
        assertEquals(new MethodStats("", "work:11", 5, 5), row(MethodTable.of(p, true, false), "work:11"));
    }

    @Test
    void threadRootsAreNotMethodsAndSplitRowsWhenAsked() throws IOException {
        Profile p = parse("[alpha tid=1];run;spin 4\n[beta tid=2];run;spin 6\n[truncated];deep 1\n");
        MethodTable merged = MethodTable.of(p, false, false);
        assertEquals(new MethodStats("", "spin", 10, 10), row(merged, "spin"));
        assertTrue(merged.top(MethodTable.Order.name, 100).stream().noneMatch(r -> r.method().startsWith("[alpha")));
        assertTrue(merged.top(MethodTable.Order.name, 100).stream().noneMatch(r -> r.method().equals("[truncated]")));
        MethodTable split = MethodTable.of(p, false, true);
        assertTrue(split.top(MethodTable.Order.self, 10).contains(new MethodStats("[beta tid=2]", "spin", 6, 6)));
    }

    @Test
    void perThreadTableNeedsThreadFrames() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> MethodTable.of(parse("main;a 1\n"), false, true));
    }

    @Test
    void jsonEscapesHostileNamesAndCsvQuotes() throws IOException {
        MethodTable t = MethodTable.of(parse("main;we\"ird\\name 1\n"), false, false);
        StringWriter json = new StringWriter();
        TableFormat.json.write(t, t.top(MethodTable.Order.self, 5), "samples", false, new PrintWriter(json, true));
        assertTrue(json.toString().contains("\"method\":\"we\\\"ird\\\\name\""), json.toString());
        StringWriter csv = new StringWriter();
        TableFormat.csv.write(t, t.top(MethodTable.Order.self, 5), "samples", false, new PrintWriter(csv, true));
        assertTrue(csv.toString().contains("\"we\"\"ird\\name\",1,100.0000,1,100.0000"), csv.toString());
    }

    @Test
    void textColumnsAreAligned() throws IOException {
        MethodTable t = MethodTable.of(parse("main;a 123456\nmain;b 7\n"), false, false);
        StringWriter text = new StringWriter();
        TableFormat.text.write(t, t.top(MethodTable.Order.self, 5), "samples", false, new PrintWriter(text, true));
        List<String> lines = text.toString().lines().toList();
        int column = lines.get(0).indexOf("METHOD");
        assertEquals(column, lines.get(1).indexOf(" a") + 1, text.toString());
        assertEquals(column, lines.get(2).indexOf(" b") + 1, text.toString());
        assertTrue(lines.get(lines.size() - 1).startsWith("123463 samples in all"), text.toString());
    }

    @Test
    void columnsStayAlignedAtAHundredPercent() throws IOException {
        MethodTable t = MethodTable.of(parse("main;a 5\nmain;b 0\n"), false, false);
        StringWriter text = new StringWriter();
        TableFormat.text.write(t, t.top(MethodTable.Order.total, 5), "samples", false, new PrintWriter(text, true));
        List<String> lines = text.toString().lines().toList();
        assertTrue(text.toString().contains("100.00%"), text.toString());
        int column = lines.get(0).indexOf("METHOD");
        int kind = lines.get(0).indexOf("KIND");
        for (String row : lines.subList(1, lines.size() - 1)) {
            assertEquals(' ', row.charAt(kind - 1), text.toString());
            assertTrue(Character.isLetter(row.charAt(kind)), text.toString());
            assertTrue(row.length() > column && row.charAt(column - 1) == ' ' && row.charAt(column) != ' ',
                    text.toString());
        }
    }
}
