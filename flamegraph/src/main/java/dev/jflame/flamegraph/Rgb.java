package dev.jflame.flamegraph;

/** An sRGB colour, each channel 0..255. */
public record Rgb(int red, int green, int blue) {

    public Rgb {
        if ((red | green | blue) < 0 || red > 255 || green > 255 || blue > 255) {
            throw new IllegalArgumentException("channel out of range: " + red + "," + green + "," + blue);
        }
    }

    /** {@code #rrggbb}. */
    public String hex() {
        String digits = Integer.toHexString((1 << 24) | (red << 16) | (green << 8) | blue);
        return "#" + digits.substring(1);
    }
}
