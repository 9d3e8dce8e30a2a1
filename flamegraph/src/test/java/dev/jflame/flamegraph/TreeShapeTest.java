package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The flamegraph.pl options that change which boxes the tree has. */
class TreeShapeTest {

    private static final String PROFILE = "main;parse;read 2\nmain;render;read 3\nmain;render 1\n";

    private static List<String> names(Frame frame) {
        return frame.children().stream().map(Frame::name).toList();
    }

    private static Frame only(Frame frame) {
        assertEquals(1, frame.children().size(), () -> "children of " + frame);
        return frame.children().get(0);
    }

    @Test
    void reverseMergesStacksFromTheLeaf() {
        FrameTree tree = FrameTree.of(Profiles.collapsed(PROFILE), FlameGraphOptions.builder().reverse(true).build());

        assertEquals(List.of("read", "render"), names(tree.root()));
        Frame read = tree.root().children().get(0);
        assertEquals(5, read.total());
        assertEquals(List.of("parse", "render"), names(read));
        assertEquals(3, read.children().get(1).total());
        assertEquals("main", only(read.children().get(1)).name());
    }

    @Test
    void flamechartKeepsInputOrderAndMergesOnlyAdjacentFrames() {
        Profile profile = Profiles.collapsed("main;b 1\nmain;a 1\nmain;b;c 1\n");
        FrameTree chart = FrameTree.of(profile, FlameGraphOptions.builder().flamechart(true).build());

        Frame main = only(chart.root());
        assertEquals(List.of("b", "a", "b"), names(main), "b reappears after a: two boxes");
        assertEquals(1, main.children().get(0).total());
        assertEquals(List.of("c"), names(main.children().get(2)));

        Frame merged = only(FrameTree.of(profile).root());
        assertEquals(List.of("a", "b"), names(merged));
    }

    @Test
    void flamechartMergesConsecutiveSamplesOfTheSameFrame() {
        FrameTree chart = FrameTree.of(Profiles.collapsed("main;a;x 1\nmain;a;y 1\nmain;b 1\n"),
                FlameGraphOptions.builder().flamechart(true).build());
        Frame main = only(chart.root());
        assertEquals(List.of("a", "b"), names(main));
        assertEquals(List.of("x", "y"), names(main.children().get(0)), "order of appearance, not alphabetical");
    }

    @Test
    void flamechartOfUnmergedLinesShowsARepeatedStackAtEachOfItsPlaces() throws Exception {
        String lines = "main;a 1\nmain;b 1\nmain;a;c 2\nmain;b 1\n";
        Profile sequence = CollapsedParser.keepingEveryLine().parse(
                new java.io.ByteArrayInputStream(lines.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "seq");
        assertEquals(4, sequence.stacks().size());

        FrameTree chart = FrameTree.of(sequence, FlameGraphOptions.builder().flamechart(true).build());
        Frame main = only(chart.root());
        assertEquals(List.of("a", "b", "a", "b"), names(main));
        assertEquals(List.of(1L, 1L, 2L, 1L), main.children().stream().map(Frame::total).toList());
    }

    @Test
    void includeKeepsOnlyStacksWithAMatchingFrame() {
        FrameTree tree = FrameTree.of(Profiles.collapsed(PROFILE),
                FlameGraphOptions.builder().include(Pattern.compile("pars")).build());
        assertEquals(2, tree.total());
        assertEquals(List.of("parse"), names(only(tree.root())));
    }

    @Test
    void excludeDropsStacksWithAMatchingFrame() {
        FrameTree tree = FrameTree.of(Profiles.collapsed(PROFILE),
                FlameGraphOptions.builder().exclude(Pattern.compile("^read$")).build());
        assertEquals(1, tree.total());
        assertEquals(List.of("render"), names(only(tree.root())));
    }

    @Test
    void includeAndExcludeCombine() {
        StackFilter filter = new StackFilter(Pattern.compile("render"), Pattern.compile("read"));
        Profile kept = filter.apply(Profiles.collapsed(PROFILE));
        assertEquals(List.of(new Stack(List.of("main", "render"), 1)), kept.stacks());
        assertTrue(StackFilter.none().keeps(List.of("anything")));
    }
}
