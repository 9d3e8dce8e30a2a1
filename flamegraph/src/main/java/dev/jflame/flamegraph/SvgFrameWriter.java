package dev.jflame.flamegraph;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes one frame's {@code <g>}: the {@code <title>} tooltip ("name (N samples, P%)", plus the
 * change in differential graphs), the {@code <rect>} box and the {@code <text>} label fitted to
 * the box. The element order is what the inline script relies on.
 */
final class SvgFrameWriter {

    private final FrameTree tree;
    private final SvgLayout layout;
    private final FlameGraphOptions options;
    private final String countName;
    private final long largestChange;
    // Fills by name: a profile has a few thousand names but may draw a hundred thousand frames.
    private final Map<String, String> fills = new HashMap<>();

    SvgFrameWriter(FrameTree tree, SvgLayout layout) {
        this.tree = tree;
        this.layout = layout;
        this.options = layout.options();
        this.countName = XmlText.escape(options.countName());
        this.largestChange = tree.differential() ? largestChange(tree) : 0;
    }

    void append(StringBuilder out, Frame frame, long start, int depth, boolean isRoot) {
        double pixels = layout.pixelsPerCount();
        long left = Math.round((SvgLayout.SIDE_PAD + start * pixels) * 100);
        long right = Math.round((SvgLayout.SIDE_PAD + (start + frame.total()) * pixels) * 100);
        String name = frame.name();

        out.append("<g><title>");
        XmlText.append(out, name);
        out.append(" (").append(CountText.grouped(frame.total(), tree.countScale())).append(' ').append(countName).append(", ");
        SvgNumbers.percent(out, frame.total() / layout.scaleTotal());
        out.append('%');
        if (tree.differential()) {
            appendChange(out, frame);
        }
        out.append(")</title><rect x=\"");
        SvgNumbers.hundredths(out, left);
        out.append("\" y=\"");
        SvgNumbers.number(out, layout.rowY(depth));
        out.append("\" width=\"");
        SvgNumbers.hundredths(out, right - left);
        out.append("\" height=\"").append(options.frameHeight() - 1).append("\" fill=\"").append(fill(frame, isRoot))
                .append("\" rx=\"2\"/><text x=\"");
        SvgNumbers.hundredths(out, left + 300);
        out.append("\" y=\"");
        SvgNumbers.number(out, layout.labelBaseline(depth));
        out.append("\">");
        int visible = FrameLabel.visibleEnd(name, (right - left) / 100.0, options.fontSize());
        XmlText.append(out, name, 0, visible);
        if (visible > 0 && visible < name.length()) {
            out.append("..");
        }
        out.append("</text></g>\n");
    }

    /**
     * "; before 10, after 50: +40 samples, +400.00%": both counts, the change and the change
     * relative to "before" ("new" when there was nothing before). No " (" may appear here: the
     * script finds the start of the suffix by the last one.
     */
    private void appendChange(StringBuilder out, Frame frame) {
        int scale = tree.countScale();
        String sign = frame.delta() >= 0 ? "+" : "";
        out.append("; before ").append(CountText.grouped(frame.before(), scale))
                .append(", after ").append(CountText.grouped(frame.after(), scale))
                .append(": ").append(sign).append(CountText.grouped(frame.delta(), scale)).append(' ').append(countName)
                .append(", ");
        if (frame.before() == 0) {
            out.append(frame.delta() == 0 ? "+0.00%" : "new");
        } else {
            out.append(sign);
            SvgNumbers.percent(out, (double) frame.delta() / frame.before());
            out.append('%');
        }
    }

    private String fill(Frame frame, boolean isRoot) {
        if (tree.differential()) {
            return DiffColors.color(frame.selfDelta(), largestChange).hex();
        }
        if (isRoot) {
            return Palette.ROOT.hex();
        }
        return fills.computeIfAbsent(frame.name(), name -> options.palette().color(name).hex());
    }

    // Colour follows the change in each frame's own samples, as in flamegraph.pl: totals
    // would paint every ancestor of a change, and the root's would wash out all others.
    private static long largestChange(FrameTree tree) {
        long largest = 0;
        Deque<Frame> pending = new ArrayDeque<>();
        pending.push(tree.root());
        while (!pending.isEmpty()) {
            Frame frame = pending.pop();
            largest = Math.max(largest, Math.abs(frame.selfDelta()));
            pending.addAll(frame.children());
        }
        return largest;
    }
}
