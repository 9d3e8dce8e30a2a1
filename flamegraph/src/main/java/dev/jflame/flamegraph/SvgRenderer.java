package dev.jflame.flamegraph;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Draws a {@link FrameTree} as one self-contained interactive SVG: every frame a {@code <g>}
 * holding a {@code <title>} tooltip, a {@code <rect>} and a {@code <text>} label, followed by
 * the inline script that adds hover details, click-to-zoom and regex search.
 *
 * <p>All profile-derived text is written through {@link XmlText}; the script reads names from
 * the DOM as text and never evaluates or parses them as markup, so a hostile frame name stays
 * a name.
 */
public final class SvgRenderer {

    private static final String SCRIPT = resource("flamegraph.js");
    private static final String STYLE = resource("flamegraph.css");
    private static final String SEARCH_COLOR = "#e600e6";

    /** Writes the SVG for {@code tree} to {@code out} (flushed, not closed). */
    public void render(FrameTree tree, FlameGraphOptions options, Writer out) throws IOException {
        Writer buffered = out instanceof BufferedWriter || out instanceof StringWriter ? out : new BufferedWriter(out, 1 << 16);
        SvgLayout layout = SvgLayout.of(tree, options);
        StringBuilder text = new StringBuilder(1 << 12);
        writeHeader(text, layout, tree.differential());
        buffered.append(text);
        if (tree.total() == 0) {
            text.setLength(0);
            text.append("<text id=\"nosamples\" x=\"");
            SvgNumbers.number(text, layout.width() / 2);
            text.append("\" y=\"");
            SvgNumbers.number(text, layout.rowY(0) + options.frameHeight() / 2.0);
            text.append("\">No samples</text>\n");
            buffered.append(text);
        }
        writeFrames(tree, layout, buffered, text);
        text.setLength(0);
        text.append("<script type=\"text/ecmascript\"><![CDATA[\n").append(SCRIPT).append("]]></script>\n</svg>\n");
        buffered.append(text);
        buffered.flush();
    }

    /** The SVG as a string; for tests and small graphs. */
    public String render(FrameTree tree, FlameGraphOptions options) {
        StringWriter out = new StringWriter();
        try {
            render(tree, options, out);
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return out.toString();
    }

    private static void writeHeader(StringBuilder out, SvgLayout layout, boolean differential) {
        FlameGraphOptions options = layout.options();
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"");
        SvgNumbers.number(out, layout.width());
        out.append("\" height=\"");
        SvgNumbers.number(out, layout.height());
        out.append("\" viewBox=\"0 0 ");
        SvgNumbers.number(out, layout.width());
        out.append(' ');
        SvgNumbers.number(out, layout.height());
        out.append("\" font-family=\"");
        XmlText.append(out, options.fontType());
        out.append("\" font-size=\"");
        SvgNumbers.number(out, options.fontSize());
        out.append("\">\n");
        if (options.notes() != null) {
            out.append("<desc>");
            XmlText.append(out, options.notes());
            out.append("</desc>\n");
        }
        out.append("<style type=\"text/css\"><![CDATA[\n").append(STYLE).append("]]></style>\n");
        out.append("<defs><linearGradient id=\"background\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"1\">")
                .append("<stop offset=\"5%\" stop-color=\"#eeeeee\"/><stop offset=\"95%\" stop-color=\"")
                // flamegraph.pl's warm backdrop, neutral grey where red and blue carry meaning
                .append(differential ? "#e4e4e4" : "#eeeeb0")
                .append("\"/></linearGradient></defs>\n");
        out.append("<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"url(#background)\"/>\n");

        textElement(out, "title", layout.width() / 2, layout.titleY(), options.fontSize() + 5, options.title(), false);
        if (options.subtitle() != null) {
            textElement(out, "subtitle", layout.width() / 2, layout.subtitleY(), 0, options.subtitle(), false);
        }
        out.append("<text id=\"details\" x=\"");
        SvgNumbers.number(out, SvgLayout.SIDE_PAD);
        out.append("\" y=\"");
        SvgNumbers.number(out, layout.detailsY());
        out.append("\" data-prefix=\"");
        XmlText.append(out, options.nameType());
        out.append("\"> </text>\n");
        textElement(out, "unzoom", SvgLayout.SIDE_PAD, layout.titleY(), 0, "Reset Zoom", true);
        textElement(out, "search", layout.width() - SvgLayout.SIDE_PAD, layout.titleY(), 0, "Search", false);
        textElement(out, "ignorecase", layout.width() - SvgLayout.SIDE_PAD - options.fontSize() * 8, layout.titleY(), 0, "ic", false);
        textElement(out, "matched", layout.width() - SvgLayout.SIDE_PAD, layout.detailsY(), 0, " ", true);
    }

    private static void textElement(StringBuilder out, String id, double x, double y, double fontSize,
            String content, boolean hidden) {
        out.append("<text id=\"").append(id).append('"');
        if (hidden) {
            out.append(" class=\"hide\"");
        }
        out.append(" x=\"");
        SvgNumbers.number(out, x);
        out.append("\" y=\"");
        SvgNumbers.number(out, y);
        out.append('"');
        if (fontSize > 0) {
            out.append(" font-size=\"");
            SvgNumbers.number(out, fontSize);
            out.append('"');
        }
        out.append('>');
        XmlText.append(out, content);
        out.append("</text>\n");
    }

    /** One frame to draw: where its box starts (in counts from the left edge) and its row. */
    private record Placement(Frame frame, long start, int depth) {
    }

    private static void writeFrames(FrameTree tree, SvgLayout layout, Writer out, StringBuilder text) throws IOException {
        FlameGraphOptions options = layout.options();
        text.setLength(0);
        text.append("<g id=\"frames\" data-width=\"");
        SvgNumbers.number(text, layout.width());
        text.append("\" data-xpad=\"");
        SvgNumbers.number(text, SvgLayout.SIDE_PAD);
        text.append("\" data-font-size=\"");
        SvgNumbers.number(text, options.fontSize());
        text.append("\" data-frame-height=\"").append(options.frameHeight())
                .append("\" data-inverted=\"").append(options.inverted())
                .append("\" data-search-color=\"").append(SEARCH_COLOR).append("\">\n");
        out.append(text);
        if (tree.total() == 0) {
            out.write("</g>\n");
            return;
        }
        SvgFrameWriter frames = new SvgFrameWriter(tree, layout);
        // Depth-first with an explicit stack: deep recursion in the profile must not become
        // deep recursion here.
        Deque<Placement> pending = new ArrayDeque<>();
        pending.push(new Placement(tree.root(), 0, 0));
        while (!pending.isEmpty()) {
            Placement placement = pending.pop();
            Frame frame = placement.frame();
            if (frame != tree.root() && frame.total() * layout.pixelsPerCount() < options.minWidth()) {
                continue;
            }
            text.setLength(0);
            frames.append(text, frame, placement.start(), placement.depth(), frame == tree.root());
            out.append(text);
            List<Frame> children = frame.children();
            // Children sit side by side from the parent's left edge; self time is the gap on the right.
            long childStart = placement.start() + frame.total() - frame.self();
            for (int i = children.size() - 1; i >= 0; i--) {
                Frame child = children.get(i);
                childStart -= child.total();
                pending.push(new Placement(child, childStart, placement.depth() + 1));
            }
        }
        out.write("</g>\n");
    }

    private static String resource(String name) {
        try (InputStream in = SvgRenderer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + SvgRenderer.class.getName());
            }
            String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (content.contains("]]>")) {
                throw new IllegalStateException(name + " must not contain ]]> (it is inlined in CDATA)");
            }
            return content;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }
}
