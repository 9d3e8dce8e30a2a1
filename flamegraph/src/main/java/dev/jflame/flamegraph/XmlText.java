package dev.jflame.flamegraph;

/**
 * Escapes untrusted text (frame names, titles, metadata) for XML 1.0 text and attribute values.
 *
 * <p>Markup characters {@code & < > " '} become entities; tab, line feed and carriage return
 * become character references so attribute normalisation cannot change them; characters XML 1.0
 * forbids (most control characters, lone surrogates, U+FFFE/U+FFFF) become U+FFFD; everything
 * beyond ASCII becomes a numeric reference, so the output is ASCII and reads the same whatever
 * encoding the caller's Writer uses.
 */
public final class XmlText {

    private static final int REPLACEMENT = 0xFFFD;

    private XmlText() {
    }

    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        append(out, text);
        return out.toString();
    }

    public static void append(StringBuilder out, String text) {
        append(out, text, 0, text.length());
    }

    /** Appends {@code text[start, end)} escaped; a pair split by the bounds counts as lone surrogates. */
    public static void append(StringBuilder out, String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                switch (c) {
                    case '&' -> out.append("&amp;");
                    case '<' -> out.append("&lt;");
                    case '>' -> out.append("&gt;");
                    case '"' -> out.append("&quot;");
                    case '\'' -> out.append("&#39;");
                    default -> out.append(c);
                }
                continue;
            }
            int codePoint = c;
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))) {
                codePoint = Character.toCodePoint(c, text.charAt(++i));
            }
            out.append("&#").append(isXmlChar(codePoint) ? codePoint : REPLACEMENT).append(';');
        }
    }

    static boolean isXmlChar(int codePoint) {
        return codePoint == 0x9 || codePoint == 0xA || codePoint == 0xD
                || (codePoint >= 0x20 && codePoint <= 0xD7FF)
                || (codePoint >= 0xE000 && codePoint <= 0xFFFD)
                || (codePoint >= 0x10000 && codePoint <= 0x10FFFF);
    }
}
