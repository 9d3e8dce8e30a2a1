package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SVG's inline script, run under node with a stand-in DOM (skipped where node is missing).
 * Geometry: width 1200, side pad 10, so the usable width is 1180 px.
 */
class FlameGraphScriptTest {

    private static final String PROFILE = """
            main;compute;hash 300
            main;compute;sqrt 100
            main;io;read;sys_read_[k] 150
            main;io;Read 50
            other;idle 390
            other;idle;com.example.worker.Worker.processEverything 10
            """;
    private static final String URL = "file:///tmp/flame.svg";

    @TempDir
    Path workDir;

    @BeforeAll
    static void requireNode() {
        assumeTrue(ScriptHarness.nodeAvailable(), "node is not installed");
    }

    private Map<String, String> run(String url, String scenario) throws IOException, InterruptedException {
        FlameGraphOptions options = FlameGraphOptions.defaults();
        String svg = new SvgRenderer().render(FrameTree.of(Profiles.collapsed(PROFILE), options), options);
        return ScriptHarness.run(svg, url, scenario, workDir);
    }

    @Test
    void clickZoomsTheFrameToFullWidthKeepsAncestorsAndHidesTheRest() throws Exception {
        Map<String, String> result = run(URL, """
                click(rect("io"));
                report("io", rect("io").getAttribute("x") + " " + rect("io").getAttribute("width"));
                report("read", rect("read").getAttribute("x") + " " + rect("read").getAttribute("width"));
                report("mainState", state("main"));
                report("mainWidth", rect("main").getAttribute("width"));
                report("computeState", state("compute"));
                report("otherState", state("other"));
                report("ioState", state("io"));
                report("unzoom", byId("unzoom").getAttribute("class"));
                report("url", location.href);
                """);
        assertEquals("10.00 1180.00", result.get("io"));
        assertEquals("305.00 885.00", result.get("read"), "read is 150 of io's 200 samples, after Read's 50");
        assertEquals("ancestor", result.get("mainState"));
        assertEquals("1180.00", result.get("mainWidth"));
        assertEquals("hide", result.get("computeState"));
        assertEquals("hide", result.get("otherState"));
        assertEquals("", result.get("ioState"));
        assertEquals("", result.get("unzoom"), "Reset Zoom appears");
        assertTrue(result.get("url").matches(".*\\?x=[0-9.]+&y=[0-9.]+$"), result.get("url"));
    }

    @Test
    void resetZoomRestoresTheOriginalView() throws Exception {
        Map<String, String> result = run(URL, """
                const before = rect("compute").getAttribute("x") + " " + rect("compute").getAttribute("width") + " " + label("compute");
                click(rect("io"));
                click(byId("unzoom"));
                report("same", before === rect("compute").getAttribute("x") + " " + rect("compute").getAttribute("width") + " " + label("compute"));
                report("computeState", state("compute"));
                report("unzoom", byId("unzoom").getAttribute("class"));
                report("url", location.href);
                """);
        assertEquals("true", result.get("same"));
        assertEquals("", result.get("computeState"));
        assertEquals("hide", result.get("unzoom"));
        assertEquals(URL, result.get("url"));
    }

    @Test
    void zoomingRefitsLabelsToTheNewWidths() throws Exception {
        Map<String, String> result = run(URL, """
                const name = "com.example.worker.Worker.processEverything";
                report("before", label(name));
                click(rect("idle"));
                report("idle", label(name));
                click(rect(name));
                report("after", label(name));
                """);
        assertEquals("", result.get("before"), "12 px: no room for a label");
        assertEquals("c..", result.get("idle"), "30 px: truncated to fit, with ..");
        assertEquals("com.example.worker.Worker.processEverything", result.get("after"));
    }

    @Test
    void hoverShowsDetailsWithTheShareOfTheZoomedFrame() throws Exception {
        Map<String, String> result = run(URL, """
                hover(rect("hash"));
                report("plain", byId("details").textContent);
                click(rect("compute"));
                hover(rect("hash"));
                report("zoomed", byId("details").textContent);
                """);
        assertEquals("Function: hash (300 samples, 30.00%)", result.get("plain"));
        assertEquals("Function: hash (300 samples, 30.00%), 75.00% of zoomed frame", result.get("zoomed"));
    }

    @Test
    void searchHighlightsMatchesAndCountsNestedMatchesOnce() throws Exception {
        Map<String, String> result = run(URL, """
                window.prompt = () => "o";   // compute, io, other, ... nested inside each other
                click(byId("search"));
                report("matched", byId("matched").textContent);
                report("ioFill", rect("io").getAttribute("fill"));
                report("button", byId("search").textContent);
                report("url", location.href);
                window.prompt = () => "^(hash|sqrt)$";
                key({ key: "F3" });
                report("leaves", byId("matched").textContent);
                report("computeFill", rect("compute").getAttribute("fill"));
                click(byId("search"));
                report("afterReset", byId("matched").getAttribute("class") + " " + byId("search").textContent);
                """);
        assertEquals("Matched: 100.0%", result.get("matched"), "main is not matched but compute, io and other cover it");
        assertEquals("#e600e6", result.get("ioFill"));
        assertEquals("Reset Search", result.get("button"));
        assertTrue(result.get("url").endsWith("?s=o"), result.get("url"));
        assertEquals("Matched: 40.0%", result.get("leaves"));
        assertTrue(!result.get("computeFill").equals("#e600e6"), "non-matches keep their colour");
        assertEquals("hide Search", result.get("afterReset"));
    }

    @Test
    void caseToggleMakesSearchIgnoreCase() throws Exception {
        Map<String, String> result = run(URL, """
                window.prompt = () => "^read$";
                const event = key({ key: "f", ctrlKey: true });
                report("prevented", event.defaultPrevented);
                report("exact", byId("matched").textContent);
                click(byId("ignorecase"));
                report("ignoring", byId("matched").textContent);
                report("button", byId("ignorecase").getAttribute("class"));
                report("url", location.href);
                """);
        assertEquals("true", result.get("prevented"), "Ctrl-F opens our search, not the browser's");
        assertEquals("Matched: 15.0%", result.get("exact"));
        assertEquals("Matched: 20.0%", result.get("ignoring"));
        assertEquals("active", result.get("button"));
        assertTrue(result.get("url").endsWith("s=%5Eread%24&i=1"), result.get("url"));
    }

    @Test
    void sharedLinkReopensTheZoomAndSearch() throws Exception {
        Map<String, String> first = run(URL, """
                click(rect("compute"));
                window.prompt = () => "hash";
                click(byId("search"));
                report("url", location.href);
                """);
        Map<String, String> reopened = run(first.get("url"), """
                report("compute", rect("compute").getAttribute("width"));
                report("otherState", state("other"));
                report("hashFill", rect("hash").getAttribute("fill"));
                report("matched", byId("matched").textContent);
                """);
        assertEquals("1180.00", reopened.get("compute"));
        assertEquals("hide", reopened.get("otherState"));
        assertEquals("#e600e6", reopened.get("hashFill"));
        assertEquals("Matched: 30.0%", reopened.get("matched"));
    }

    @Test
    void invalidRegexIsReportedNotThrown() throws Exception {
        Map<String, String> result = run(URL + "?s=((", """
                report("details", byId("details").textContent);
                report("matched", byId("matched").getAttribute("class"));
                """);
        assertTrue(result.get("details").startsWith("Invalid regular expression"), result.get("details"));
        assertEquals("hide", result.get("matched"));
    }

    @Test
    void escapeResetsSearchThenZoom() throws Exception {
        Map<String, String> result = run(URL, """
                click(rect("io"));
                window.prompt = () => "read";
                key({ key: "F3" });
                key({ key: "Escape" });
                report("afterFirst", byId("matched").getAttribute("class") + " " + state("other"));
                key({ key: "Escape" });
                report("afterSecond", state("other"));
                """);
        assertEquals("hide hide", result.get("afterFirst"));
        assertEquals("", result.get("afterSecond"));
    }
}
