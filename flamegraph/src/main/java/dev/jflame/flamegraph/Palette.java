package dev.jflame.flamegraph;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Frame colours. {@link #JAVA} colours by {@link FrameKind}; the others are flamegraph.pl's
 * single-hue schemes. Within a hue the shade comes from a hash of the frame name, so the same
 * name gets the same colour in every graph and neighbours usually differ.
 */
public enum Palette {
    /** Java green, {@code [native]} yellow, C/C++ yellow-orange, kernel orange, threads blue, pseudo frames grey. */
    JAVA,
    HOT, MEM, IO, RED, GREEN, BLUE, AQUA, YELLOW, PURPLE, ORANGE;

    /** Low and high value of each channel; the name's hash picks a point in between. */
    private record Hue(int r0, int r1, int g0, int g1, int b0, int b1) {
        Rgb shade(float a, float b, float c) {
            return new Rgb(r0 + Math.round((r1 - r0) * a), g0 + Math.round((g1 - g0) * b), b0 + Math.round((b1 - b0) * c));
        }
    }

    private static final Hue HOT_HUE = new Hue(205, 255, 0, 230, 0, 55);
    private static final Hue MEM_HUE = new Hue(0, 40, 190, 240, 0, 90);
    private static final Hue IO_HUE = new Hue(80, 130, 80, 130, 190, 240);
    private static final Hue RED_HUE = new Hue(200, 255, 50, 110, 50, 110);
    private static final Hue GREEN_HUE = new Hue(50, 110, 190, 245, 50, 110);
    private static final Hue BLUE_HUE = new Hue(80, 140, 80, 150, 205, 255);
    private static final Hue AQUA_HUE = new Hue(50, 100, 165, 215, 165, 215);
    private static final Hue YELLOW_HUE = new Hue(185, 235, 185, 235, 40, 100);
    private static final Hue PURPLE_HUE = new Hue(190, 240, 80, 140, 190, 245);
    private static final Hue ORANGE_HUE = new Hue(220, 255, 110, 160, 0, 50);
    private static final Hue YELLOW_ORANGE_HUE = new Hue(225, 255, 160, 200, 30, 80);
    private static final Hue GREY_HUE = new Hue(165, 205, 165, 205, 165, 205);

    /** The fill for the synthetic root frame. */
    public static final Rgb ROOT = new Rgb(200, 200, 200);

    /** The colour of the frame called {@code name}. */
    public Rgb color(String name) {
        int hash = fnv1a(name);
        // Three loosely independent fractions from one hash; a shared value for channels that
        // move together keeps a hue recognisable (flamegraph.pl does the same).
        float a = ((hash >>> 16) & 0xffff) / 65535f;
        float b = (hash & 0xffff) / 65535f;
        float c = ((hash >>> 8) & 0xff) / 255f;
        return switch (this) {
            case JAVA -> {
                FrameKind kind = FrameKind.of(name);
                yield kind == FrameKind.PSEUDO ? GREY_HUE.shade(a, a, a) : javaHue(kind).shade(a, a, b);
            }
            case HOT -> HOT_HUE.shade(b, a, c);
            case MEM, IO, RED, GREEN, BLUE, AQUA, YELLOW, PURPLE, ORANGE -> singleHue().shade(a, b, a);
        };
    }

    private static Hue javaHue(FrameKind kind) {
        return switch (kind) {
            case JAVA -> GREEN_HUE;
            case JAVA_NATIVE -> YELLOW_HUE;
            case NATIVE -> YELLOW_ORANGE_HUE;
            case KERNEL -> ORANGE_HUE;
            case THREAD -> BLUE_HUE;
            case PSEUDO -> GREY_HUE;
        };
    }

    private Hue singleHue() {
        return switch (this) {
            case MEM -> MEM_HUE;
            case IO -> IO_HUE;
            case RED -> RED_HUE;
            case GREEN -> GREEN_HUE;
            case BLUE -> BLUE_HUE;
            case AQUA -> AQUA_HUE;
            case YELLOW -> YELLOW_HUE;
            case PURPLE -> PURPLE_HUE;
            case ORANGE -> ORANGE_HUE;
            case JAVA, HOT -> throw new IllegalStateException(name() + " is not a single-hue palette");
        };
    }

    /** 32-bit FNV-1a over the UTF-16 code units: fixed, fast, and spreads similar names apart. */
    static int fnv1a(String text) {
        int hash = 0x811c9dc5;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x01000193;
        }
        return hash;
    }

    /** The palette called {@code name} (case-insensitive), e.g. "java" or "hot". */
    public static Palette byName(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("unknown palette '" + name + "'; expected one of "
                    + Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")),
                    unknown);
        }
    }
}
