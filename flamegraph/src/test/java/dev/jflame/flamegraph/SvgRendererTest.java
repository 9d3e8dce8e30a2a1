package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgRendererTest {

    private static final FlameGraphOptions DEFAULTS = FlameGraphOptions.defaults();
    private static final double USABLE_WIDTH = DEFAULTS.width() - 2 * SvgLayout.SIDE_PAD;

    private static String render(String collapsed, FlameGraphOptions options) {
        return new SvgRenderer().render(FrameTree.of(Profiles.collapsed(collapsed), options), options);
    }

    @Test
    void outputIsOneWellFormedSvgDocumentWithInlineScriptAndStyle() {
        String svg = render("main;a 3\nmain;b 1\n", DEFAULTS);
        SvgDocument doc = SvgDocument.parse(svg);

        assertEquals("svg", doc.document().getDocumentElement().getLocalName());
        assertEquals("http://www.w3.org/2000/svg", doc.document().getDocumentElement().getNamespaceURI());
        assertEquals(1, doc.elements("script").size());
        assertEquals(1, doc.elements("style").size());
        assertFalse(svg.contains("href="), "no external resources");
        assertEquals("Flame Graph", doc.byId("title").getTextContent());
        assertEquals(4, doc.frames().size());
    }

    @Test
    void rectWidthIsProportionalToTheFramesShare() {
        SvgDocument doc = SvgDocument.parse(render("main;a 3\nmain;b 1\n", DEFAULTS));

        assertEquals(USABLE_WIDTH, doc.frame("all").width(), 0.01);
        assertEquals(USABLE_WIDTH * 0.75, doc.frame("a").width(), 0.01);
        assertEquals(USABLE_WIDTH * 0.25, doc.frame("b").width(), 0.01);
        assertEquals(doc.frame("a").x() + doc.frame("a").width(), doc.frame("b").x(), 0.01);
        assertTrue(doc.frame("a").y() < doc.frame("main").y(), "children are drawn above their parent");
    }

    @Test
    void tooltipStatesCountAndPercentage() {
        SvgDocument doc = SvgDocument.parse(render("main;a 3000\nmain;b 1000\n", DEFAULTS));

        assertEquals("a (3,000 samples, 75.00%)", doc.frame("a").tooltip());
        assertEquals("all (4,000 samples, 100.00%)", doc.frame("all").tooltip());
        FlameGraphOptions cycles = DEFAULTS.toBuilder().countName("cycles").build();
        assertEquals("b (1,000 cycles, 25.00%)", SvgDocument.parse(render("main;a 3000\nmain;b 1000\n", cycles))
                .frame("b").tooltip());
    }

    @Test
    void hostileFrameNamesAreEscapedAndCannotReachTheScript() {
        String hostile = "<script>alert(1)</script>&\"'";
        String svg = render("main;" + hostile + " 5\nmain;]]><x/> 1\n", DEFAULTS.toBuilder().title(hostile).build());

        SvgDocument doc = SvgDocument.parse(svg);
        assertEquals(hostile, doc.frame(hostile).name());
        assertEquals(hostile, doc.byId("title").getTextContent());
        assertTrue(doc.hasFrame("]]><x/>"));
        assertEquals(1, doc.elements("script").size(), "only the renderer's own script element");
        assertEquals(1, svg.split("<script", -1).length - 1, "no unescaped <script> in the text");
        assertEquals(0, doc.elements("x").size());
        assertFalse(svg.contains("alert(1)</script>"));
    }

    @Test
    void controlAndNonAsciiCharactersStayWellFormed() {
        String name = "bad\u0001\u0008name\uD800 caf\u00e9 \uD83D\uDE00";
        Profile profile = new Profile(java.util.Map.of(), List.of(new Stack(List.of("main", name), 1)));
        SvgDocument doc = SvgDocument.parse(new SvgRenderer().render(FrameTree.of(profile), DEFAULTS));

        assertEquals("bad\uFFFD\uFFFDname\uFFFD caf\u00e9 \uD83D\uDE00", doc.frames().get(2).name());
    }

    @Test
    void framesNarrowerThanMinWidthArePrunedButStayInTheirParentsWidth() {
        // tiny is 1 sample in 100,000: about 0.012 px, under the 0.1 px default
        SvgDocument doc = SvgDocument.parse(render("main;big 99999\nmain;tiny;deeper 1\n", DEFAULTS));

        assertFalse(doc.hasFrame("tiny"));
        assertFalse(doc.hasFrame("deeper"));
        assertEquals(USABLE_WIDTH, doc.frame("main").width(), 0.01);
        assertEquals("main (100,000 samples, 100.00%)", doc.frame("main").tooltip());

        SvgDocument unpruned = SvgDocument.parse(render("main;big 99999\nmain;tiny;deeper 1\n",
                DEFAULTS.toBuilder().minWidth(0).build()));
        assertTrue(unpruned.hasFrame("tiny"));
        assertTrue(unpruned.hasFrame("deeper"));
    }

    @Test
    void labelsAreTruncatedWithTwoDotsToFitTheirBox() {
        String longName = "com.example.some.very.long.package.name.SomeClass.someRatherLongMethodName";
        SvgDocument doc = SvgDocument.parse(render("main;" + longName + " 1\nmain;other 9\n", DEFAULTS));

        SvgDocument.DrawnFrame frame = doc.frame(longName);
        String label = frame.label();
        assertTrue(label.endsWith(".."), label);
        assertTrue(longName.startsWith(label.substring(0, label.length() - 2)), label);
        assertTrue(label.length() * DEFAULTS.fontSize() * FrameLabel.GLYPH_WIDTH_EM <= frame.width(), label);
        assertEquals("main", doc.frame("main").label(), "short names are shown whole");
    }

    @Test
    void boxesTooNarrowForThreeCharactersHaveNoLabel() {
        SvgDocument doc = SvgDocument.parse(render("main;wide 500\nmain;narrow 1\n", DEFAULTS));
        assertEquals("", doc.frame("narrow").label());
    }

    @Test
    void emptyProfileRendersAValidSvgSayingNoSamples() {
        String svg = render("", DEFAULTS);
        SvgDocument doc = SvgDocument.parse(svg);
        assertEquals("No samples", doc.byId("nosamples").getTextContent());
        assertTrue(doc.frames().isEmpty());
    }

    @Test
    void invertedGraphPutsTheRootOnTop() {
        SvgDocument doc = SvgDocument.parse(render("main;a 1\n", DEFAULTS.toBuilder().inverted(true).build()));
        assertTrue(doc.frame("all").y() < doc.frame("main").y());
        assertTrue(doc.frame("main").y() < doc.frame("a").y());
    }

    @Test
    void subtitleAndNotesAreEmbeddedEscaped() {
        FlameGraphOptions options = DEFAULTS.toBuilder().subtitle("event: <cpu>").notes("n&otes").build();
        SvgDocument doc = SvgDocument.parse(render("a 1\n", options));
        assertEquals("event: <cpu>", doc.byId("subtitle").getTextContent());
        assertEquals("n&otes", doc.elements("desc").get(0).getTextContent());
    }

    @Test
    void javaPaletteColoursFramesByKindAndTheSameNameAlike() {
        String svg = render("[main tid=1];java.lang.Thread.run;java.lang.Object.wait [native];__futex_wait_[k] 1\n"
                + "[main tid=1];[unknown_Java];libc.so.6 1\n[main tid=1];libc.so.6 1\n", DEFAULTS);
        SvgDocument doc = SvgDocument.parse(svg);
        assertEquals(Palette.JAVA.color("java.lang.Thread.run").hex(), doc.frame("java.lang.Thread.run").fill());
        assertEquals(Palette.JAVA.color("[unknown_Java]").hex(), doc.frame("[unknown_Java]").fill());
        List<String> libcFills = doc.frames().stream().filter(f -> f.name().equals("libc.so.6")).map(SvgDocument.DrawnFrame::fill).toList();
        assertEquals(2, libcFills.size());
        assertEquals(libcFills.get(0), libcFills.get(1), "one name, one colour, wherever it appears");
    }

    @Test
    void totalOptionScalesWidthsAgainstALargerTotal() {
        SvgDocument doc = SvgDocument.parse(render("main 25\n", DEFAULTS.toBuilder().total(100).build()));
        assertEquals(USABLE_WIDTH / 4, doc.frame("main").width(), 0.01);
        assertEquals("main (25 samples, 25.00%)", doc.frame("main").tooltip());

        SvgDocument smallerTotalIgnored = SvgDocument.parse(render("main 25\n", DEFAULTS.toBuilder().total(10).build()));
        assertEquals(USABLE_WIDTH, smallerTotalIgnored.frame("main").width(), 0.01);
    }

    @Test
    void everyPaletteColoursFramesWithItsOwnHue() {
        for (Palette palette : Palette.values()) {
            SvgDocument doc = SvgDocument.parse(render("main;java.util.HashMap.put 1\n", DEFAULTS.toBuilder().palette(palette).build()));
            assertEquals(palette.color("java.util.HashMap.put").hex(), doc.frame("java.util.HashMap.put").fill(), palette.name());
        }
        Rgb hot = Palette.HOT.color("x");
        assertTrue(hot.red() >= 205 && hot.blue() <= 55, "hot is red-yellow: " + hot);
        Rgb aqua = Palette.AQUA.color("x");
        assertTrue(aqua.green() > aqua.red() && aqua.blue() > aqua.red(), "aqua: " + aqua);
        Rgb purple = Palette.PURPLE.color("x");
        assertTrue(purple.red() > purple.green() && purple.blue() > purple.green(), "purple: " + purple);
    }

    @Test
    void scriptKeepsViewStateInTheUrlAndNeverBuildsMarkup() {
        String svg = render("a 1\n", DEFAULTS);
        String script = svg.substring(svg.indexOf("<![CDATA[", svg.indexOf("<script")), svg.indexOf("]]></script>"));
        assertTrue(script.contains("history.replaceState"));
        assertTrue(script.contains("URLSearchParams"));
        for (String forbidden : List.of("innerHTML", "outerHTML", "eval(", "new Function", "insertAdjacentHTML", "document.write")) {
            assertFalse(script.contains(forbidden), forbidden);
        }
    }
}
