package dev.jflame.flamegraph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Runs a rendered SVG's inline script under node with a stand-in DOM
 * ({@code script-harness.js}), driven by a small JavaScript scenario.
 */
final class ScriptHarness {

    private ScriptHarness() {
    }

    static boolean nodeAvailable() {
        try {
            Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(20, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs {@code scenario} against {@code svg} opened at {@code url}; returns what it reported. */
    static Map<String, String> run(String svg, String url, String scenario, Path workDir) throws IOException, InterruptedException {
        SvgDocument doc = SvgDocument.parse(svg);
        Path dom = workDir.resolve("dom.json");
        Path script = workDir.resolve("script.js");
        Path scenarioFile = workDir.resolve("scenario.js");
        Path harness = workDir.resolve("script-harness.js");
        Files.writeString(dom, json(doc.document().getDocumentElement()), StandardCharsets.UTF_8);
        Files.writeString(script, doc.elements("script").get(0).getTextContent(), StandardCharsets.UTF_8);
        Files.writeString(scenarioFile, scenario, StandardCharsets.UTF_8);
        try (InputStream in = ScriptHarness.class.getResourceAsStream("script-harness.js")) {
            Files.write(harness, in.readAllBytes());
        }
        Process process = new ProcessBuilder("node", harness.toString(), dom.toString(), script.toString(),
                scenarioFile.toString(), url).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("node failed:\n" + output);
        }
        Map<String, String> reported = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw new AssertionError("unexpected output from node: " + line + "\n" + output);
            }
            reported.put(line.substring(0, equals), line.substring(equals + 1));
        }
        return reported;
    }

    /** The element tree as JSON, without the script and style it does not need. */
    private static String json(Element element) {
        StringBuilder out = new StringBuilder(1 << 16);
        appendElement(out, element);
        return out.toString();
    }

    private static void appendElement(StringBuilder out, Element element) {
        out.append("{\"tag\":");
        appendString(out, element.getLocalName());
        out.append(",\"attributes\":{");
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            if (i > 0) {
                out.append(',');
            }
            appendString(out, attributes.item(i).getNodeName());
            out.append(':');
            appendString(out, attributes.item(i).getNodeValue());
        }
        out.append("},\"text\":");
        StringBuilder text = new StringBuilder();
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                text.append(n.getNodeValue());
            }
        }
        appendString(out, text.toString());
        out.append(",\"children\":[");
        boolean first = true;
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element child && !child.getLocalName().equals("script") && !child.getLocalName().equals("style")) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendElement(out, child);
            }
        }
        out.append("]}");
    }

    private static void appendString(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
