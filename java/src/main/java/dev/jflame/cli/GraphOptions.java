package dev.jflame.cli;

import dev.jflame.flamegraph.FlameGraphOptions;
import dev.jflame.flamegraph.Palette;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * How a flame graph looks: flamegraph.pl's rendering options, shared by every command that
 * draws one. Unset options keep the defaults the profile's {@code # key: value} header gives
 * ({@link FlameGraphOptions#forProfile}).
 */
final class GraphOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--title", paramLabel = "TEXT",
            description = "Title of the graph (default: from the profile's header, e.g. 'CPU Flame Graph').")
    String title;

    @Option(names = "--subtitle", paramLabel = "TEXT",
            description = "Second line under the title (default: event, interval and sample count from the header).")
    String subtitle;

    @Option(names = "--width", paramLabel = "PX", description = "Image width in pixels (default: 1200).")
    Integer width;

    @Option(names = "--frame-height", paramLabel = "PX", description = "Height of one frame in pixels (default: 16).")
    Integer frameHeight;

    @Option(names = "--minwidth", paramLabel = "PX|N%",
            description = "Leave out frames narrower than PX pixels, or than N%% of the whole graph; their samples "
                    + "stay in their parents' widths (default: 0.1). 0 draws every frame.")
    String minWidth;

    @Option(names = "--font-type", paramLabel = "FONT", description = "Font family (default: Verdana).")
    String fontType;

    @Option(names = "--font-size", paramLabel = "PX", description = "Font size in pixels (default: 12).")
    Double fontSize;

    @Option(names = "--count-name", paramLabel = "NAME",
            description = "What a count is, shown in tooltips (default: the header's units, else 'samples').")
    String countName;

    @Option(names = "--name-type", paramLabel = "TEXT",
            description = "Label before a frame's name on the details line (default: 'Function:').")
    String nameType;

    @Option(names = "--colors", paramLabel = "PALETTE", converter = PaletteConverter.class,
            description = "Frame colours: java (by frame kind: Java green, native Java methods yellow, C/C++ "
                    + "yellow-orange, kernel orange, threads blue, pseudo frames grey), hot, mem, io, red, green, "
                    + "blue, aqua, yellow, purple, orange (default: java; mem for bytes, io for ns profiles).")
    Palette palette;

    @Option(names = "--hash",
            description = "Colour by a hash of the name, so a name has the same colour in every graph. jflame "
                    + "always does this; the flag is accepted for flamegraph.pl compatibility.")
    boolean hash;

    @Option(names = "--reverse", description = "Merge stacks from the leaf: the graph's roots are the hottest leaves.")
    boolean reverse;

    @Option(names = "--inverted", description = "Icicle graph: the root at the top, stacks growing downwards.")
    boolean inverted;

    @Option(names = "--flamechart",
            description = "Flame chart: keep the input's line order (time on the x axis) and merge only adjacent "
                    + "equal frames, instead of merging and sorting siblings by name.")
    boolean flamechart;

    @Option(names = "--total", paramLabel = "N",
            description = "Scale widths against a total of N (when larger than the graph's own), to compare graphs.")
    Long total;

    @Option(names = "--notes", paramLabel = "TEXT", description = "Text embedded in the SVG (a <desc> element), not shown.")
    String notes;

    @Option(names = "--include", paramLabel = "REGEX",
            description = "Keep only stacks with a frame matching REGEX (searched within each name).")
    Pattern include;

    @Option(names = "--exclude", paramLabel = "REGEX", description = "Drop stacks with a frame matching REGEX.")
    Pattern exclude;

    @Option(names = "--raw-names",
            description = "Keep lambda and hidden-class names as recorded (Foo$$$$Lambda$$17/0x0000000800c0b000.run); by "
                    + "default they are normalised (Foo$$$$Lambda.run) so colours and diffs match across runs.")
    boolean rawNames;

    /** {@code base} (the profile's defaults) with every option given on the command line applied. */
    FlameGraphOptions apply(FlameGraphOptions base) {
        FlameGraphOptions.Builder builder = base.toBuilder();
        if (title != null) {
            builder.title(title);
        }
        if (subtitle != null) {
            builder.subtitle(subtitle);
        }
        if (width != null) {
            builder.width(width);
        }
        if (frameHeight != null) {
            builder.frameHeight(frameHeight);
        }
        if (fontType != null) {
            builder.fontType(fontType);
        }
        if (fontSize != null) {
            builder.fontSize(fontSize);
        }
        if (countName != null) {
            builder.countName(countName);
        }
        if (nameType != null) {
            builder.nameType(nameType);
        }
        if (palette != null) {
            builder.palette(palette);
        }
        if (total != null) {
            builder.total(total);
        }
        if (notes != null) {
            builder.notes(notes);
        }
        builder.reverse(reverse).inverted(inverted).flamechart(flamechart).include(include).exclude(exclude);
        try {
            applyMinWidth(builder);
            return builder.build();
        } catch (IllegalArgumentException invalid) {
            throw usageError(invalid.getMessage());
        }
    }

    private void applyMinWidth(FlameGraphOptions.Builder builder) {
        if (minWidth == null) {
            return;
        }
        String text = minWidth.strip();
        boolean percent = text.endsWith("%");
        double value;
        try {
            value = Double.parseDouble(percent ? text.substring(0, text.length() - 1).strip() : text);
        } catch (NumberFormatException notANumber) {
            throw usageError("--minwidth: expected pixels (0.5) or a percentage (1%), got '" + minWidth + "'");
        }
        if (percent) {
            builder.minWidthPercent(value);
        } else {
            builder.minWidth(value);
        }
    }

    private RuntimeException usageError(String message) {
        return mixee == null ? new UsageError(message) : new ParameterException(mixee.commandLine(), message);
    }

    /** {@code --colors hot}, case-insensitive; an unknown name lists the known ones. */
    static final class PaletteConverter implements ITypeConverter<Palette> {
        @Override
        public Palette convert(String value) {
            try {
                return Palette.byName(value.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                throw new TypeConversionException(unknown.getMessage());
            }
        }
    }
}
