package dev.jflame.report;

import java.util.Locale;

/** JSON string literals for the reports' JSON output. */
final class JsonString {
    private JsonString() {
    }

    /** A JSON string literal; frame and thread names are untrusted, so every control character is escaped. */
    static String of(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
