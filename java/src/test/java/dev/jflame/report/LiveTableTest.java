package dev.jflame.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LiveTableTest {
    private static Profile window(Stack... stacks) {
        return new Profile(Map.of(), List.of(stacks));
    }

    private static Stack stack(long count, String... frames) {
        return new Stack(List.of(frames), count);
    }

    @Test
    void theLastWindowSortsTheRowsAndTheTotalsAddUp() {
        LiveTable table = new LiveTable();
        table.add(window(stack(90, "[main tid=1]", "main", "old"), stack(10, "[main tid=1]", "main", "hot")));
        table.add(window(stack(30, "[main tid=1]", "main", "hot"), stack(10, "[w tid=2]", "run", "lib.so_fn [libz.so]")));
        List<LiveTable.Row> rows = table.rows(MethodTable.Order.self, false, null);
        assertEquals("hot", rows.get(0).function());
        assertEquals(30, rows.get(0).windowSelf());
        assertEquals(40, rows.get(0).self());
        assertEquals(40, table.windowSamples());
        assertEquals(140, table.samples());
        assertEquals("old", rows.get(2).function());  // nothing in the window, most since the start
        assertEquals("native", rows.stream().filter(r -> r.function().startsWith("lib.so_fn")).findFirst()
                .orElseThrow().kind());
    }

    @Test
    void groupsByThreadFiltersAndResets() {
        LiveTable table = new LiveTable();
        table.add(window(stack(5, "[main tid=1]", "main", "hot"), stack(7, "[w tid=2]", "run", "hot")));
        List<LiveTable.Row> byThread = table.rows(MethodTable.Order.name, true, Pattern.compile("^hot$"));
        assertEquals(List.of("[main tid=1]", "[w tid=2]"), byThread.stream().map(LiveTable.Row::thread).toList());
        assertEquals(List.of("[w tid=2]"), table.rows(MethodTable.Order.name, true, Pattern.compile("w tid"))
                .stream().map(LiveTable.Row::thread).distinct().toList());
        table.reset();
        assertEquals(0, table.rows(MethodTable.Order.self, false, null).size());
        assertEquals(0, table.samples());
    }
}
