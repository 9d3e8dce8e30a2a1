package dev.jflame.flamegraph;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How to shape ({@link FrameTree#of(Profile, FlameGraphOptions)}) and draw
 * ({@link SvgRenderer}) a flame graph; the settings mirror flamegraph.pl's options.
 *
 * @param title                big text at the top
 * @param subtitle             smaller text under the title, or null
 * @param width                image width in pixels
 * @param frameHeight          height of one frame row in pixels
 * @param fontType             font family for all text
 * @param fontSize             font size in pixels
 * @param minWidth             frames narrower than this many pixels are not drawn (their samples stay in their parents' widths)
 * @param countName            what a count is, e.g. "samples" (tooltips: "name (12 samples, 3.4%)")
 * @param nameType             prefix of the details line, e.g. "Function:"
 * @param palette              frame colours
 * @param inverted             icicle graph: root at the top, growing down
 * @param reverse              merge stacks from the leaf instead of the root
 * @param notes                free text embedded in the SVG (not shown), or null
 * @param flamechart           keep input order and merge only adjacent equal frames (time on the x axis)
 * @param total                scale widths against this count if it exceeds the tree's total; 0 for the tree's own total
 * @param include              keep only stacks with a frame matching this (find), or null
 * @param exclude              drop stacks with a frame matching this (find), or null
 * @param diffWidthsFromBefore in differential graphs, size frames by the "before" counts instead of "after"
 */
public record FlameGraphOptions(
        String title,
        String subtitle,
        int width,
        int frameHeight,
        String fontType,
        double fontSize,
        double minWidth,
        String countName,
        String nameType,
        Palette palette,
        boolean inverted,
        boolean reverse,
        String notes,
        boolean flamechart,
        long total,
        Pattern include,
        Pattern exclude,
        boolean diffWidthsFromBefore) {

    public FlameGraphOptions {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(fontType, "fontType");
        Objects.requireNonNull(countName, "countName");
        Objects.requireNonNull(nameType, "nameType");
        Objects.requireNonNull(palette, "palette");
        requirePositive("width", width);
        requirePositive("frameHeight", frameHeight);
        requirePositive("fontSize", fontSize);
        if (!(minWidth >= 0) || Double.isInfinite(minWidth)) {
            throw new IllegalArgumentException("minWidth must be a finite number >= 0: " + minWidth);
        }
        if (total < 0) {
            throw new IllegalArgumentException("total must not be negative: " + total);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a positive number: " + value);
        }
    }

    /** flamegraph.pl's defaults, with the {@link Palette#JAVA} palette. */
    public static FlameGraphOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Defaults adapted to a jflame profile's {@code # key: value} metadata; a profile without
     * any (flamegraph.pl input) gets {@link #defaults()}.
     * <ul>
     * <li>title: {@code title}, else one naming the {@code event} ("CPU Flame Graph" for
     *     {@code cpu}/{@code ctimer}/{@code itimer}, "Allocation Flame Graph" for {@code alloc}, ...)</li>
     * <li>count name and palette from {@code units}: {@code bytes} counts bytes in the
     *     {@link Palette#MEM} palette, {@code ns} counts nanoseconds in {@link Palette#IO},
     *     anything else (normally {@code samples}) is the count name with {@link Palette#JAVA}</li>
     * <li>subtitle such as "event: cpu, interval: 10 ms, 12,345 samples" from {@code event},
     *     {@code interval_ns} and {@code samples}</li>
     * </ul>
     */
    public static FlameGraphOptions forProfile(Profile profile) {
        return forMetadata(profile.metadata());
    }

    /** {@link #forProfile} for a profile read as a tree, or any other {@code # key: value} metadata. */
    public static FlameGraphOptions forMetadata(Map<String, String> metadata) {
        Function<String, Optional<String>> meta = key -> Optional.ofNullable(metadata.get(key));
        Builder builder = builder();
        Optional<String> event = meta.apply("event").map(String::strip).filter(e -> !e.isEmpty());
        Optional<String> title = meta.apply("title").map(String::strip).filter(t -> !t.isEmpty());
        if (title.isPresent()) {
            builder.title(title.get());
        } else {
            event.map(FlameGraphOptions::titleForEvent).ifPresent(builder::title);
        }
        Optional<String> units = meta.apply("units").map(String::strip).filter(u -> !u.isEmpty());
        units.ifPresent(builder::countName);
        units.map(FlameGraphOptions::paletteForUnits).ifPresent(builder::palette);
        List<String> parts = new ArrayList<>();
        event.ifPresent(e -> parts.add("event: " + e));
        meta.apply("interval_ns").flatMap(FlameGraphOptions::parseLong)
                .ifPresent(ns -> parts.add("interval: " + describeNanos(ns)));
        meta.apply("samples").flatMap(FlameGraphOptions::parseLong)
                .ifPresent(n -> parts.add(CountText.grouped(n, 0) + " " + units.orElse("samples")));
        if (!parts.isEmpty()) {
            builder.subtitle(String.join(", ", parts));
        }
        return builder.build();
    }

    private static String titleForEvent(String event) {
        return switch (event.toLowerCase(Locale.ROOT)) {
            case "cpu", "ctimer", "itimer" -> "CPU Flame Graph";
            case "alloc" -> "Allocation Flame Graph";
            case "wall" -> "Wall-Clock Flame Graph";
            case "lock" -> "Lock Contention Flame Graph";
            default -> "Flame Graph";
        };
    }

    private static Palette paletteForUnits(String units) {
        return switch (units.toLowerCase(Locale.ROOT)) {
            case "bytes" -> Palette.MEM;
            case "ns" -> Palette.IO;
            default -> Palette.JAVA;
        };
    }

    private static Optional<Long> parseLong(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    /** {@code 10000000} is "10 ms", {@code 1500} is "1.5 us". */
    static String describeNanos(long nanos) {
        String[] units = {"ns", "us", "ms", "s"};
        int unit = 0;
        long divisor = 1;
        while (unit < units.length - 1 && nanos >= divisor * 1000) {
            divisor *= 1000;
            unit++;
        }
        String value = BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(divisor))
                .stripTrailingZeros().toPlainString();
        return value + " " + units[unit];
    }

    /** The include/exclude regexes as one stack predicate. */
    public StackFilter stackFilter() {
        return new StackFilter(include, exclude);
    }

    /** Mutable builder; every setter returns this. */
    public static final class Builder {
        private String title = "Flame Graph";
        private String subtitle;
        private int width = 1200;
        private int frameHeight = 16;
        private String fontType = "Verdana";
        private double fontSize = 12;
        private double minWidth = 0.1;
        private String countName = "samples";
        private String nameType = "Function:";
        private Palette palette = Palette.JAVA;
        private boolean inverted;
        private boolean reverse;
        private String notes;
        private boolean flamechart;
        private long total;
        private Pattern include;
        private Pattern exclude;
        private boolean diffWidthsFromBefore;
        private double minWidthPercent = -1;

        private Builder() {
        }

        private Builder(FlameGraphOptions o) {
            title = o.title;
            subtitle = o.subtitle;
            width = o.width;
            frameHeight = o.frameHeight;
            fontType = o.fontType;
            fontSize = o.fontSize;
            minWidth = o.minWidth;
            countName = o.countName;
            nameType = o.nameType;
            palette = o.palette;
            inverted = o.inverted;
            reverse = o.reverse;
            notes = o.notes;
            flamechart = o.flamechart;
            total = o.total;
            include = o.include;
            exclude = o.exclude;
            diffWidthsFromBefore = o.diffWidthsFromBefore;
        }

        public Builder title(String value) { title = value; return this; }
        public Builder subtitle(String value) { subtitle = value; return this; }
        public Builder width(int value) { width = value; return this; }
        public Builder frameHeight(int value) { frameHeight = value; return this; }
        public Builder fontType(String value) { fontType = value; return this; }
        public Builder fontSize(double value) { fontSize = value; return this; }
        public Builder minWidth(double value) { minWidth = value; minWidthPercent = -1; return this; }

        /**
         * Prune frames narrower than {@code percent} % of the whole graph (async-profiler's
         * {@code --minwidth}); converted to pixels against the final width when built.
         */
        public Builder minWidthPercent(double percent) {
            if (!(percent >= 0 && percent <= 100)) {
                throw new IllegalArgumentException("minWidth percentage must be between 0 and 100: " + percent);
            }
            minWidthPercent = percent;
            return this;
        }
        public Builder countName(String value) { countName = value; return this; }
        public Builder nameType(String value) { nameType = value; return this; }
        public Builder palette(Palette value) { palette = value; return this; }
        public Builder inverted(boolean value) { inverted = value; return this; }
        public Builder reverse(boolean value) { reverse = value; return this; }
        public Builder notes(String value) { notes = value; return this; }
        public Builder flamechart(boolean value) { flamechart = value; return this; }
        public Builder total(long value) { total = value; return this; }
        public Builder include(Pattern value) { include = value; return this; }
        public Builder exclude(Pattern value) { exclude = value; return this; }
        public Builder diffWidthsFromBefore(boolean value) { diffWidthsFromBefore = value; return this; }

        /** @throws IllegalArgumentException naming the first invalid setting */
        public FlameGraphOptions build() {
            double minPixels = minWidthPercent < 0 ? minWidth
                    : minWidthPercent / 100 * Math.max(0, width - 2 * SvgLayout.SIDE_PAD);
            return new FlameGraphOptions(title, subtitle, width, frameHeight, fontType, fontSize, minPixels,
                    countName, nameType, palette, inverted, reverse, notes, flamechart, total, include, exclude,
                    diffWidthsFromBefore);
        }
    }
}
