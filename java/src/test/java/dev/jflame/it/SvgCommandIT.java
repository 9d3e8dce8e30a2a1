package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code jflame svg} and {@code jflame diff} through the packaged jar: options, inputs, formats, errors. */
class SvgCommandIT {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static List<String> tooltips(Document svg) {
        NodeList titles = svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "title");
        return java.util.stream.IntStream.range(0, titles.getLength())
                .mapToObj(i -> titles.item(i).getTextContent()).toList();
    }

    @Test
    void everyRenderingOptionIsAcceptedAndDocumented() throws Exception {
        Path in = write("p.collapsed", "main;a.B.c 3\nmain;a.B.d 1\n");
        Jflame run = Jflame.run(dir, "svg", in.toString(), "--title", "T", "--subtitle", "S", "--width", "800",
                "--frame-height", "20", "--minwidth", "1%", "--font-type", "monospace", "--font-size", "11",
                "--count-name", "widgets", "--name-type", "Frame:", "--colors", "hot", "--hash", "--reverse",
                "--inverted", "--total", "8", "--notes", "n", "--include", "main", "--exclude", "zzz");
        assertEquals(0, run.exitCode(), run.stderr());
        Document svg = Svg.parse(run.stdout());
        Element root = svg.getDocumentElement();
        assertEquals("800", root.getAttribute("width"));
        assertEquals("monospace", root.getAttribute("font-family"));
        assertTrue(tooltips(svg).contains("all (4 widgets, 50.00%)"), tooltips(svg).toString());
        assertTrue(tooltips(svg).contains("a.B.c (3 widgets, 37.50%)"), "--reverse: leaves are the roots");
        assertTrue(root.getTextContent().contains("T") && root.getTextContent().contains("S"));

        Jflame help = Jflame.run(dir, "svg", "--help");
        for (String option : List.of("--title", "--subtitle", "--width", "--frame-height", "--minwidth", "--font-type",
                "--font-size", "--count-name", "--name-type", "--colors", "--hash", "--reverse", "--inverted",
                "--flamechart", "--total", "--notes", "--include", "--exclude", "--raw-names", "--skip-bad-lines",
                "--format")) {
            assertTrue(help.stdoutText().contains(option), option);
        }
        for (String command : List.of("run", "demo", "diff")) {
            assertTrue(Jflame.run(dir, command, "--help").stdoutText().contains("--colors"), command);
        }
    }

    @Test
    void badOptionValuesAreUsageErrors() throws Exception {
        Path in = write("p.collapsed", "a 1\n");
        for (String[] bad : List.of(new String[] {"--colors", "rainbow"}, new String[] {"--width", "0"},
                new String[] {"--minwidth", "wide"}, new String[] {"--format", "png"})) {
            Jflame run = Jflame.run(dir, "svg", in.toString(), bad[0], bad[1]);
            assertEquals(2, run.exitCode(), String.join(" ", bad) + ": " + run.stderr());
            assertFalse(run.stderr().contains("Exception"), run.stderr());
        }
    }

    @Test
    void headerGivesTitleUnitsAndPalette() throws Exception {
        Path in = write("alloc.collapsed", "# event: alloc\n# units: bytes\nmain;byte[] 4096\n");
        Document svg = Svg.parse(Jflame.run(dir, "svg", in.toString()).stdout());
        assertTrue(svg.getDocumentElement().getTextContent().contains("Allocation Flame Graph"));
        assertTrue(tooltips(svg).contains("main (4,096 bytes, 100.00%)"), tooltips(svg).toString());
    }

    @Test
    void emptyInputIsAnErrorAndWritesNoFile() throws Exception {
        Path out = dir.resolve("out.svg");
        for (String text : List.of("", "# event: cpu\n\n")) {
            Jflame run = Jflame.run(dir, "svg", write("empty.collapsed", text).toString(), "-o", out.toString());
            assertEquals(1, run.exitCode(), run.stderr());
            assertTrue(run.stderr().contains("holds no stacks"), run.stderr());
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void badLinesFailNamingTheLineUnlessSkipped() throws Exception {
        Path in = write("bad.collapsed", "a;b 1\r\nnot a count\r\na;c 2\r\nd -1\r\n");
        Jflame strict = Jflame.run(dir, "svg", in.toString());
        assertEquals(1, strict.exitCode());
        assertTrue(strict.stderr().contains("bad.collapsed:2:"), strict.stderr());
        Jflame lenient = Jflame.run(dir, "svg", "--skip-bad-lines", in.toString());
        assertEquals(0, lenient.exitCode(), lenient.stderr());
        assertTrue(lenient.stderr().contains("skipped 2 malformed lines"), lenient.stderr());
        assertTrue(tooltips(Svg.parse(lenient.stdout())).contains("all (3 samples, 100.00%)"));
    }

    @Test
    void compressedInputIsRecognisedByContentAndBadUtf8Replaced() throws Exception {
        byte[] text = "main;caf\u00e9 2\nmain;x\u0000y 1\n".getBytes(StandardCharsets.UTF_8);
        Path bz2 = dir.resolve("p.bin");
        try (OutputStream out = new BZip2CompressorOutputStream(Files.newOutputStream(bz2))) {
            out.write(text);
        }
        Path xz = dir.resolve("p.data");
        try (OutputStream out = new XZCompressorOutputStream(Files.newOutputStream(xz))) {
            out.write(text);
        }
        for (Path in : List.of(bz2, xz)) {
            Jflame run = Jflame.run(dir, "svg", in.toString());
            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(tooltips(Svg.parse(run.stdout())).contains("caf\u00e9 (2 samples, 66.67%)"));
        }
        Path invalid = dir.resolve("invalid.collapsed");
        Files.write(invalid, new byte[] {'m', ';', (byte) 0xff, (byte) 0xfe, '<', ' ', '1', '\n'});
        Jflame run = Jflame.run(dir, "svg", invalid.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        assertTrue(tooltips(Svg.parse(run.stdout())).contains("\ufffd\ufffd< (1 samples, 100.00%)"));
    }

    @Test
    void lambdaNamesAreNormalisedUnlessRawNamesAreAsked() throws Exception {
        Path in = write("l.collapsed", "main;Foo$$Lambda$17/0x0000000800c0b000.run 1\nmain;Foo$$Lambda/0x000001000104a000.run 1\n");
        assertTrue(tooltips(Svg.parse(Jflame.run(dir, "svg", in.toString()).stdout()))
                .contains("Foo$$Lambda.run (2 samples, 100.00%)"));
        List<String> raw = tooltips(Svg.parse(Jflame.run(dir, "svg", "--raw-names", in.toString()).stdout()));
        assertTrue(raw.contains("Foo$$Lambda$17/0x0000000800c0b000.run (1 samples, 50.00%)"), raw.toString());
    }

    @Test
    void flamechartKeepsInputOrder() throws Exception {
        Path in = write("chart.collapsed", "main;b 1\nmain;a 1\nmain;b 1\n");
        List<String> titles = tooltips(Svg.parse(Jflame.run(dir, "svg", "--flamechart", in.toString()).stdout()));
        assertEquals(List.of("all (3 samples, 100.00%)", "main (3 samples, 100.00%)", "b (1 samples, 33.33%)",
                "a (1 samples, 33.33%)", "b (1 samples, 33.33%)"), titles);
    }

    @Test
    void htmlFormatWritesTheConvertersGraphWithNamesThatCannotEndTheScript() throws Exception {
        Path in = write("h.collapsed", "main;</script><img src=x onerror=alert(1)> 2\nmain;ok 1\n");
        Path out = dir.resolve("flame.html");
        Jflame run = Jflame.run(dir, "svg", in.toString(), "-o", out.toString(), "--title", "<b>t</b>");
        assertEquals(0, run.exitCode(), run.stderr());
        String html = Files.readString(out);
        assertTrue(html.contains("<canvas"), "async-profiler's canvas graph");
        assertTrue(html.contains("\\x3c/script>\\x3cimg src=x onerror=alert(1)>"), "the name is escaped in its string");
        assertEquals(1, html.split("</script>", -1).length - 1, "only the real end of the script");
        assertTrue(html.contains("&lt;b&gt;t&lt;/b&gt;"));
        Jflame stdout = Jflame.run(dir, "svg", "--format", "html", in.toString());
        assertTrue(stdout.stdoutText().startsWith("<!DOCTYPE html>"), stdout.stderr());
    }

    @Test
    void diffShowsTheShapeOfAfterAndKeepsFramesFromEitherSide() throws Exception {
        Path before = write("before.collapsed", "main;same 50\nmain;shrank 40\nmain;gone 10\n");
        Path after = write("after.collapsed", "main;same 100\nmain;shrank 20\nmain;grew 80\n");
        Path out = dir.resolve("diff.svg");
        Jflame run = Jflame.run(dir, "diff", before.toString(), after.toString(), "-o", out.toString());
        assertEquals(0, run.exitCode(), run.stderr());
        List<String> titles = tooltips(Svg.parse(Files.readAllBytes(out)));
        // before is scaled x2 to after's total of 200
        assertTrue(titles.contains("same (100 samples, 45.45%; before 100, after 100: +0 samples, +0.00%)"), titles.toString());
        assertTrue(titles.contains("grew (80 samples, 36.36%; before 0, after 80: +80 samples, new)"), titles.toString());
        assertTrue(titles.contains("gone (20 samples, 9.09%; before 20, after 0: -20 samples, -100.00%)"), titles.toString());

        Jflame raw = Jflame.run(dir, "diff", "--no-normalize", before.toString(), after.toString());
        assertEquals(0, raw.exitCode(), raw.stderr());
        assertTrue(tooltips(Svg.parse(raw.stdout())).contains(
                "same (100 samples, 47.62%; before 50, after 100: +50 samples, +100.00%)"));
    }
}
