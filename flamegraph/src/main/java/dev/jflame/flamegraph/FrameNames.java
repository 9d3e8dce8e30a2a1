package dev.jflame.flamegraph;

import java.util.Arrays;

/**
 * Shares one String per distinct frame name while parsing, looked up straight from the
 * line's characters. Large profiles repeat a few thousand names millions of times; creating a
 * substring per frame just to find the shared copy would double the parser's garbage.
 */
final class FrameNames {

    private String[] table = new String[1 << 12];
    private int size;

    /** The shared String equal to {@code text[start, end)}. */
    String intern(String text, int start, int end) {
        int hash = hash(text, start, end);
        int mask = table.length - 1;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            String existing = table[slot];
            if (existing == null) {
                String name = text.substring(start, end);
                table[slot] = name;
                if (++size * 2 > table.length) {
                    grow();
                }
                return name;
            }
            if (existing.length() == end - start && existing.hashCode() == hash
                    && existing.regionMatches(0, text, start, end - start)) {
                return existing;
            }
        }
    }

    /** Same value as {@code text.substring(start, end).hashCode()}, without the substring. */
    private static int hash(String text, int start, int end) {
        int hash = 0;
        for (int i = start; i < end; i++) {
            hash = 31 * hash + text.charAt(i);
        }
        return hash;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    private void grow() {
        String[] old = table;
        table = new String[old.length * 2];
        int mask = table.length - 1;
        for (String name : old) {
            if (name != null) {
                int slot = spread(name.hashCode()) & mask;
                while (table[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = name;
            }
        }
        Arrays.fill(old, null);
    }
}
