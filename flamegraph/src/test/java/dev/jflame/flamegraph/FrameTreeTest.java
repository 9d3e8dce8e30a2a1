package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FrameTreeTest {

    private static Frame child(Frame parent, String name) {
        return parent.children().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not under " + parent));
    }

    private static List<String> names(Frame frame) {
        return frame.children().stream().map(Frame::name).toList();
    }

    @Test
    void totalsCountEverySampleThroughAFrameAndSelfOnlyWhereItIsTheLeaf() {
        FrameTree tree = FrameTree.of(Profiles.collapsed("main;a 3\nmain;a;b 2\nmain 1\n"));

        Frame main = child(tree.root(), "main");
        Frame a = child(main, "a");
        Frame b = child(a, "b");
        assertEquals(6, tree.total());
        assertEquals(0, tree.root().self());
        assertEquals(6, main.total());
        assertEquals(1, main.self());
        assertEquals(5, a.total());
        assertEquals(3, a.self());
        assertEquals(2, b.total());
        assertEquals(2, b.self());
        assertEquals(3, tree.maxDepth());
        assertEquals(FrameTree.ROOT_NAME, tree.root().name());
    }

    @Test
    void siblingsWithTheSameNameAreMergedAndOrderedAlphabetically() {
        FrameTree tree = FrameTree.of(Profiles.collapsed("main;zeta;x 1\nmain;alpha 2\nmain;zeta;y 4\nmain;Beta 1\n"));

        Frame main = child(tree.root(), "main");
        assertEquals(List.of("Beta", "alpha", "zeta"), names(main));
        assertEquals(5, child(main, "zeta").total());
        assertEquals(List.of("x", "y"), names(child(main, "zeta")));
    }

    @Test
    void sameNameUnderDifferentParentsStaysSeparate() {
        FrameTree tree = FrameTree.of(Profiles.collapsed("a;work 1\nb;work 2\n"));
        assertEquals(1, child(child(tree.root(), "a"), "work").total());
        assertEquals(2, child(child(tree.root(), "b"), "work").total());
    }

    @Test
    void emptyProfileGivesAnEmptyTree() {
        FrameTree tree = FrameTree.of(Profiles.collapsed(""));
        assertTrue(tree.isEmpty());
        assertEquals(0, tree.total());
        assertEquals(0, tree.maxDepth());
    }

    @Test
    void deepStacksDoNotOverflowTheJavaStack() {
        String deep = String.join(";", java.util.Collections.nCopies(50_000, "recurse")) + " 1\n";
        FrameTree tree = FrameTree.of(Profiles.collapsed(deep));
        assertEquals(50_000, tree.maxDepth());
        assertTrue(new SvgRenderer().render(tree, FlameGraphOptions.defaults()).endsWith("</svg>\n"));
    }
}
