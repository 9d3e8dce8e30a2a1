package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DifferentialRenderingTest {

    private static SvgDocument render(String diffLines) {
        FlameGraphOptions options = FlameGraphOptions.defaults();
        return SvgDocument.parse(new SvgRenderer().render(FrameTree.of(Profiles.diff(diffLines), options), options));
    }

    private static int red(String hex) {
        return Integer.parseInt(hex.substring(1, 3), 16);
    }

    private static int green(String hex) {
        return Integer.parseInt(hex.substring(3, 5), 16);
    }

    private static int blue(String hex) {
        return Integer.parseInt(hex.substring(5, 7), 16);
    }

    @Test
    void grownFramesAreRedShrunkFramesBlueUnchangedPale() {
        SvgDocument doc = render("main;grew 10 50\nmain;shrank 50 10\nmain;same 20 20\n");

        String grew = doc.frame("grew").fill();
        String shrank = doc.frame("shrank").fill();
        String same = doc.frame("same").fill();
        assertEquals(255, red(grew));
        assertTrue(green(grew) < 50 && blue(grew) < 50, grew);
        assertEquals(255, blue(shrank));
        assertTrue(red(shrank) < 50 && green(shrank) < 50, shrank);
        assertTrue(red(same) > 240 && green(same) > 240 && blue(same) > 240, same);
    }

    @Test
    void colourIntensityIsProportionalToTheChange() {
        SvgDocument doc = render("main;big 0 40\nmain;small 0 10\n");

        int bigFade = green(doc.frame("big").fill());
        int smallFade = green(doc.frame("small").fill());
        assertEquals(0, bigFade, "the largest change is full red");
        assertEquals(Math.round(250 * 0.75), smallFade, 1, "a quarter of the change is a quarter as red");
    }

    @Test
    void colourFollowsAFramesOwnChangeSoUnchangedParentsStayPale() {
        SvgDocument doc = render("main;caller;hot 0 40\nmain;caller 10 10\n");
        assertEquals(0, green(doc.frame("hot").fill()));
        assertTrue(green(doc.frame("caller").fill()) > 240, doc.frame("caller").fill());
        assertTrue(doc.frame("caller").tooltip().endsWith("; before 10, after 50: +40 samples, +400.00%)"), doc.frame("caller").tooltip());
    }

    @Test
    void tooltipShowsTheChange() {
        SvgDocument doc = render("main;grew 10 50\nmain;shrank 50 10\n");
        assertEquals("grew (50 samples, 83.33%; before 10, after 50: +40 samples, +400.00%)", doc.frame("grew").tooltip());
        assertEquals("shrank (10 samples, 16.67%; before 50, after 10: -40 samples, -80.00%)",
                doc.frame("shrank").tooltip());
    }

    @Test
    void aFrameInOnlyOneProfileIsStillDrawnSizedByThatProfile() {
        SvgDocument doc = render("main;kept 10 10\nmain;gone 20 0\nmain;new 0 5\n");
        assertEquals("gone (20 samples, 57.14%; before 20, after 0: -20 samples, -100.00%)", doc.frame("gone").tooltip());
        assertEquals("new (5 samples, 14.29%; before 0, after 5: +5 samples, new)", doc.frame("new").tooltip());
        assertEquals(255, blue(doc.frame("gone").fill()));
        assertEquals(255, red(doc.frame("new").fill()));
        assertTrue(doc.frame("gone").width() > doc.frame("kept").width());
    }

    @Test
    void widthsComeFromTheAfterProfileUnlessAskedForBefore() {
        DiffProfile diff = Profiles.diff("main;a 30 10\nmain;b 10 30\n");
        FlameGraphOptions after = FlameGraphOptions.defaults();
        FlameGraphOptions before = after.toBuilder().diffWidthsFromBefore(true).build();

        SvgDocument byAfter = SvgDocument.parse(new SvgRenderer().render(FrameTree.of(diff, after), after));
        SvgDocument byBefore = SvgDocument.parse(new SvgRenderer().render(FrameTree.of(diff, before), before));

        assertTrue(byAfter.frame("b").width() > byAfter.frame("a").width());
        assertTrue(byBefore.frame("a").width() > byBefore.frame("b").width());
        assertEquals(byAfter.frame("a").fill(), byBefore.frame("a").fill(), "a shrank either way: same blue");
    }
}
