package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;

/**
 * jflame's SVG (and HTML) flame graphs in a real headless Chromium, driven through
 * chromedriver: hover, click to zoom, search, reset, URL state, hostile frame names, and the
 * time search and zoom take on a graph of 50,000 frames (reported, not asserted).
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver}. Without them the test is
 * skipped on a developer machine but fails when {@code CI=true}: CI must not pass by not
 * looking.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserIT {
    private static final Path CHROMIUM = Path.of(System.getProperty("jflame.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("jflame.chromedriver", "/usr/bin/chromedriver"));
    private static final Path TARGET = Path.of(System.getProperty("jflame.jar", "target/jflame.jar")).toAbsolutePath().getParent();

    /** 1,000 samples, so shares are exact tenths of a percent. */
    private static final String PROFILE = String.join("\n",
            "main;app.Server.handle;app.Db.query 300",
            "main;app.Server.handle;app.Cache.get 200",
            "main;app.Server.handle 100",
            "main;app.Worker.run;app.Db.query 75",
            "main;app.Worker.run;app.Codec.encode 200",
            "main;<script>window.pwned=1</script> 50",
            "main;\"onload=\"window.pwned=2 50",
            "main;<img src=x onerror=\"window.pwned=3\"> 25",
            "");

    @TempDir
    Path dir;

    private Path browserHome;
    private ChromeDriver driver;

    @BeforeAll
    void startBrowser() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed) {
            String missing = "chromium and chromedriver are needed (apt-get install chromium chromium-driver); looked for "
                    + CHROMIUM + " and " + CHROMEDRIVER;
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(missing);
            }
            Assumptions.abort(missing);
        }
        browserHome = Files.createTempDirectory("jflame-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1300,900", "--user-data-dir=" + browserHome);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    void stopBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (browserHome != null) {
            try (var files = Files.walk(browserHome)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    @BeforeEach
    void blankPage() {
        driver.get("about:blank");
    }

    @Test
    void hoverZoomSearchResetAndUrlStateWorkInTheBrowser() throws Exception {
        Path svg = render(PROFILE, "graph.svg", "--minwidth", "0", "--title", "Browser test");
        driver.get(svg.toUri().toString());
        assertNoScriptRan();
        Map<String, List<String>> original = layout();

        new Actions(driver).moveToElement(rect("app.Server.handle")).perform();
        assertEquals("Function: app.Server.handle (600 samples, 60.00%)", text("details"));

        double before = width("app.Db.query", "app.Server.handle");
        rect("app.Server.handle").click();
        double after = width("app.Db.query", "app.Server.handle");
        assertEquals(before * 1000 / 600, after, 0.05, "the child fills its zoomed parent's share of the width");
        assertTrue(isHidden("app.Worker.run"), "unrelated frames are hidden while zoomed");
        assertTrue(!classes("unzoom").contains("hide"), "Reset Zoom is shown");

        search("Server|Db\\.query");
        // Server.handle (600) contains a Db.query match: counted once, plus Worker's Db.query (75)
        assertEquals("Matched: " + formatPercent(expectedShare(PROFILE, "Server|Db\\.query")) + "%", text("matched"));
        assertEquals("Matched: 67.5%", text("matched"));
        saveScreenshot("browser-zoomed-search.png");

        String shared = driver.getCurrentUrl();
        assertTrue(shared.contains("s=") && shared.contains("x="), shared);
        driver.get("about:blank");
        driver.get(shared);
        assertEquals("Matched: 67.5%", text("matched"), "the shared link reopens the search");
        assertEquals(after, width("app.Db.query", "app.Server.handle"), 0.05, "the shared link reopens the zoom");

        driver.findElement(org.openqa.selenium.By.id("unzoom")).click();
        driver.findElement(org.openqa.selenium.By.id("search")).click(); // "Reset Search"
        Map<String, List<String>> reset = layout();
        assertEquals(original, reset, "reset restores every frame's geometry, label and colour");
        assertTrue(classes("matched").contains("hide"));
        saveScreenshot("browser-flamegraph.png");
    }

    @Test
    void aHeatmapOfTheAgentsRecordingDrawsInTheBrowser() throws Exception {
        Path jfr = dir.resolve("heat.jfr");
        Jflame run = Jflame.run(dir, "run", "-i", "1ms", "-o", jfr.toString(), "-cp", AgentRun.testClasses(),
                dev.jflame.workload.SwitchWorkload.class.getName(), "700");
        assertEquals(0, run.exitCode(), run.stderr());
        Jflame heat = Jflame.run(dir, "convert", jfr.toString(), "--format", "heatmap", "-o", "heat.html");
        assertEquals(0, heat.exitCode(), heat.stderr());
        driver.get(dir.resolve("heat.html").toUri().toString());
        // The page's script drew: some canvas has pixels that are not blank.
        Object drawn = driver.executeScript("var n = 0; document.querySelectorAll('canvas').forEach(function (c) {"
                + " if (c.width > 0 && c.height > 0) { var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                + " for (var i = 3; i < d.length; i += 4) { if (d[i] !== 0) { n++; } } } }); return n;");
        assertTrue(((Number) drawn).longValue() > 100, "the heatmap drew " + drawn + " pixels");
        saveScreenshot("browser-heatmap.png");
    }

    @Test
    void matchedPercentEqualsTheShareComputedFromTheInput() throws Exception {
        Path svg = render(PROFILE, "match.svg", "--minwidth", "0");
        driver.get(svg.toUri().toString());
        for (String regex : List.of("Db\\.query", "app\\.", "Codec|Cache", "^main$", "pwned")) {
            search(regex);
            assertEquals("Matched: " + formatPercent(expectedShare(PROFILE, regex)) + "%", text("matched"), regex);
            driver.findElement(org.openqa.selenium.By.id("search")).click(); // reset search
        }
    }

    @Test
    void hostileFrameNamesAreShownAsTextAndRunNothing() throws Exception {
        Path svg = render(PROFILE, "hostile.svg", "--minwidth", "0", "--title", "<script>window.pwned=4</script>");
        driver.get(svg.toUri().toString());
        for (String name : List.of("<script>window.pwned=1</script>", "\"onload=\"window.pwned=2",
                "<img src=x onerror=\"window.pwned=3\">")) {
            new Actions(driver).moveToElement(rect(name)).perform();
            assertTrue(text("details").startsWith("Function: " + name + " ("), text("details"));
            rect(name).click();
            driver.findElement(org.openqa.selenium.By.id("unzoom")).click();
        }
        search("pwned");
        assertEquals("<script>window.pwned=4</script>", text("title"));
        assertNoScriptRan();

        Path html = render(PROFILE, "hostile.html", "--title", "<img src=x onerror=\"window.pwned=5\">");
        driver.get(html.toUri().toString());
        assertNoScriptRan();
        Object names = script("return cpool.join('|')");
        assertTrue(String.valueOf(names).contains("<script>window.pwned=1</script>"),
                "the names survive as text in the HTML graph: " + names);
        assertEquals("<img src=x onerror=\"window.pwned=5\">", script("return document.querySelector('h1').textContent"));
        saveScreenshot("browser-html.png");
    }

    @Test
    void searchAndZoomOnFiftyThousandFramesAreMeasured() throws Exception {
        StringBuilder profile = new StringBuilder();
        for (int i = 0; i < 25_000; i++) {
            profile.append("main;com.example.Level1.run").append(i / 2500)
                    .append(";com.example.Level2.call").append(i / 250)
                    .append(";com.example.Level3.work").append(i / 25)
                    .append(";com.example.Level4.step").append(i)
                    .append(";com.example.Leaf.compute").append(i)
                    .append(' ').append(1 + i % 7).append('\n');
        }
        Path svg = render(profile.toString(), "big.svg", "--minwidth", "0");
        long started = System.nanoTime();
        driver.get(svg.toUri().toString());
        long loadMs = (System.nanoTime() - started) / 1_000_000;
        long frames = ((Number) script("return document.getElementById('frames').children.length")).longValue();
        assertTrue(frames > 50_000, "frames drawn: " + frames);

        double searchMs = timed("window.prompt = function () { return 'Level3.work1[0-9]'; };"
                + "document.getElementById('search').dispatchEvent(new MouseEvent('click', {bubbles: true}));");
        assertTrue(text("matched").startsWith("Matched: "), text("matched"));
        double zoomMs = timed("var g = Array.from(document.getElementById('frames').children).find(function (g) {"
                + " return g.firstElementChild.textContent.indexOf('com.example.Level1.run3 (') === 0; });"
                + "g.querySelector('rect').dispatchEvent(new MouseEvent('click', {bubbles: true}));");
        assertTrue(!classes("unzoom").contains("hide"), "zoomed");
        double unzoomMs = timed("document.getElementById('unzoom').dispatchEvent(new MouseEvent('click', {bubbles: true}));");
        String report = String.format(Locale.ROOT,
                "browser, %d frames (%.1f MB SVG): load %d ms, search %.0f ms, zoom %.0f ms, reset zoom %.0f ms%n",
                frames, Files.size(svg) / 1e6, loadMs, searchMs, zoomMs, unzoomMs);
        System.out.print(report);
        Files.writeString(TARGET.resolve("browser-timings.txt"), report);
        saveScreenshot("browser-50k.png");
    }

    // ---- helpers ----

    private Path render(String collapsed, String name, String... options) throws Exception {
        Path in = dir.resolve(name + ".collapsed");
        Files.writeString(in, collapsed, StandardCharsets.UTF_8);
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("svg", in.toString(), "-o", out.toString()));
        args.addAll(List.of(options));
        Jflame run = Jflame.run(dir, args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.stderr());
        return out;
    }

    private Object script(String body, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(body, args);
    }

    /** Milliseconds from running {@code action} until the browser has drawn the next frame. */
    private double timed(String action) {
        Object ms = ((JavascriptExecutor) driver).executeAsyncScript(
                "var done = arguments[arguments.length - 1]; var t0 = performance.now();" + action
                        + "requestAnimationFrame(function () { setTimeout(function () { done(performance.now() - t0); }, 0); });");
        return ((Number) ms).doubleValue();
    }

    private static final String FIND_GROUP = "var name = arguments[0]; var parent = arguments[1];"
            + "var groups = Array.from(document.getElementById('frames').children).filter(function (g) {"
            + "  return g.firstElementChild.textContent.indexOf(name + ' (') === 0; });";

    private WebElement rect(String name) {
        return (WebElement) script(FIND_GROUP + "return groups[0].querySelector('rect');", name, null);
    }

    /** Width of the frame {@code name} drawn above {@code parent} (frames share names across paths). */
    private double width(String name, String parent) {
        Object value = script(FIND_GROUP
                + "var p = Array.from(document.getElementById('frames').children).find(function (g) {"
                + "  return g.firstElementChild.textContent.indexOf(parent + ' (') === 0; }).querySelector('rect');"
                + "var px = Number(p.getAttribute('x')), pw = Number(p.getAttribute('width'));"
                + "var r = groups.filter(function (g) { var s = getComputedStyle(g);"
                + "  return s.display !== 'none' && s.visibility !== 'hidden'; })"
                + "  .map(function (g) { return g.querySelector('rect'); }).find(function (r) {"
                + "  var x = Number(r.getAttribute('x')); return x >= px - 0.01 && x <= px + pw; });"
                + "return r.getAttribute('width');", name, parent);
        return Double.parseDouble(String.valueOf(value));
    }

    private boolean isHidden(String name) {
        return (Boolean) script(FIND_GROUP + "var style = getComputedStyle(groups[0]);"
                + "return style.display === 'none' || style.visibility === 'hidden';", name, null);
    }

    private String text(String id) {
        return String.valueOf(script("return document.getElementById(arguments[0]).textContent;", id));
    }

    private String classes(String id) {
        return String.valueOf(script("return document.getElementById(arguments[0]).getAttribute('class') || '';", id));
    }

    /** Every frame's geometry, label and fill, to compare a reset graph with the original. */
    @SuppressWarnings("unchecked")
    private Map<String, List<String>> layout() {
        return (Map<String, List<String>>) script("var out = {};"
                + "Array.from(document.getElementById('frames').children).forEach(function (g, i) {"
                + "  var r = g.querySelector('rect'), t = g.querySelector('text');"
                + "  out[i + ' ' + g.firstElementChild.textContent] = [r.getAttribute('x'), r.getAttribute('width'),"
                + "    r.getAttribute('fill'), t ? t.textContent : '', g.getAttribute('class') || ''];"
                + "}); return out;");
    }

    /** Search through the UI: the Search button opens the browser's prompt, which we answer. */
    private void search(String regex) {
        driver.findElement(org.openqa.selenium.By.id("search")).click();
        Alert prompt = driver.switchTo().alert();
        prompt.sendKeys(regex);
        prompt.accept();
    }

    private void assertNoScriptRan() {
        assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert(), "no alert may be open");
        assertEquals(Boolean.TRUE, script("return typeof window.pwned === 'undefined';"), "window.pwned was set");
    }

    /** Share of the samples in stacks with at least one frame matching {@code regex}, from the input text. */
    private static double expectedShare(String collapsed, String regex) {
        Pattern pattern = Pattern.compile(regex);
        long total = 0;
        long matched = 0;
        for (String line : collapsed.split("\n")) {
            int blank = line.lastIndexOf(' ');
            long count = Long.parseLong(line.substring(blank + 1));
            total += count;
            for (String frame : line.substring(0, blank).split(";")) {
                if (pattern.matcher(frame).find()) {
                    matched += count;
                    break;
                }
            }
        }
        return 100.0 * matched / total;
    }

    private static String formatPercent(double percent) {
        return String.format(Locale.ROOT, "%.1f", percent);
    }

    private void saveScreenshot(String name) throws IOException {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Files.write(TARGET.resolve(name), png);
        assertNotEquals(0, png.length);
    }
}
