package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiffProfileTest {

    @Test
    void diffLinesCarryBeforeAndAfterCounts() {
        DiffProfile diff = Profiles.diff("# event: cpu\nmain;a b 3 5\nmain;c 2 0\nmain;a b 1 1\n");

        assertEquals("cpu", diff.metadata().get("event"));
        assertEquals(List.of(new DiffStack(List.of("main", "a b"), 4, 6), new DiffStack(List.of("main", "c"), 2, 0)),
                diff.stacks());
        assertEquals(6, diff.totalBefore());
        assertEquals(6, diff.totalAfter());
    }

    @Test
    void diffLineWithOneCountIsMalformedWithItsLineNumber() {
        MalformedProfileException error = assertThrows(MalformedProfileException.class,
                () -> new DiffParser().parse(new java.io.ByteArrayInputStream("a 1 2\nb 3\n".getBytes()), "d.txt"));
        assertEquals("d.txt:2: expected 'frame;frame;... count1 count2', got 'b 3'", error.getMessage());
    }

    @Test
    void betweenPairsStacksAndCountsMissingOnesAsZero() {
        Profile before = Profiles.collapsed("main;a 3\nmain;gone 2\n");
        Profile after = Profiles.collapsed("main;new 4\nmain;a 1\n");

        DiffProfile diff = DiffProfile.between(before, after);

        assertEquals(List.of(new DiffStack(List.of("main", "new"), 0, 4), new DiffStack(List.of("main", "a"), 3, 1),
                new DiffStack(List.of("main", "gone"), 2, 0)), diff.stacks());
        assertEquals(before.totalSamples(), diff.before().totalSamples());
        assertEquals(after.totalSamples(), diff.after().totalSamples());
    }

    @Test
    void betweenBringsDecimalCountsToOneScale() {
        DiffProfile diff = DiffProfile.between(Profiles.collapsed("a 1.5\n"), Profiles.collapsed("a 2\n"));
        assertEquals(1, diff.countScale());
        assertEquals(List.of(new DiffStack(List.of("a"), 15, 20)), diff.stacks());
    }

    @Test
    void normalizedScalesBeforeToTheAfterTotal() {
        DiffProfile diff = new DiffProfile(Map.of(), List.of(
                new DiffStack(List.of("a"), 10, 30), new DiffStack(List.of("b"), 10, 10)), 0).normalized();
        assertEquals(List.of(new DiffStack(List.of("a"), 20, 30), new DiffStack(List.of("b"), 20, 10)), diff.stacks());
    }

    @Test
    void diffTreeSizesByAfterAndRecordsTheChange() {
        DiffProfile diff = Profiles.diff("main;a 3 5\nmain;b 2 0\n");

        FrameTree tree = FrameTree.of(diff, FlameGraphOptions.defaults());
        Frame main = tree.root().children().get(0);
        assertEquals(7, tree.total(), "a by its after count, b (gone) by its before count");
        assertEquals(2, main.children().size(), "b shrank to nothing but keeps a box");
        assertEquals(2, main.children().get(1).total());
        assertEquals(2, main.children().get(1).before());
        assertEquals(0, main.children().get(1).after());
        assertEquals(2, main.children().get(0).delta());
        assertEquals(-2, main.children().get(1).delta());
        assertEquals(0, main.delta());
        assertEquals(0, main.selfDelta());
        assertEquals(2, main.children().get(0).selfDelta());

        FrameTree byBefore = FrameTree.of(diff, FlameGraphOptions.builder().diffWidthsFromBefore(true).build());
        assertEquals(5, byBefore.total());
        assertEquals(2, byBefore.root().children().get(0).children().get(1).total());
    }
}
