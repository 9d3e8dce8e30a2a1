package dev.jflame.flamegraph;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Shares one String per distinct frame name while parsing, looked up straight from the
 * line's characters. Large profiles repeat a few thousand names millions of times; creating a
 * substring per frame just to find the shared copy would double the parser's garbage.
 *
 * <p>Unless raw names are asked for, each new name is passed once through
 * {@link HiddenClassNames#normalize}; the table remembers the result under the raw text, so
 * the cost is paid per distinct name, not per frame.
 */
final class FrameNames {

    private final boolean normalize;
    private String[] raw = new String[1 << 12];
    private String[] shown = new String[1 << 12];
    private int size;
    // Several raw names (lambda$17, lambda$18, ...) may share one normalised name.
    private final Map<String, String> normalized = new HashMap<>();

    FrameNames(boolean normalize) {
        this.normalize = normalize;
    }

    /** The shared String for {@code text[start, end)}, normalised unless raw names were asked for. */
    String intern(String text, int start, int end) {
        int hash = hash(text, start, end);
        int mask = raw.length - 1;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            String existing = raw[slot];
            if (existing == null) {
                String name = text.substring(start, end);
                raw[slot] = name;
                String display = name;
                if (normalize && HiddenClassNames.mayNeedNormalizing(name)) {
                    display = normalized.computeIfAbsent(HiddenClassNames.normalize(name), n -> n);
                }
                shown[slot] = display;
                if (++size * 2 > raw.length) {
                    grow();
                }
                return display;
            }
            if (existing.length() == end - start && existing.hashCode() == hash
                    && existing.regionMatches(0, text, start, end - start)) {
                return shown[slot];
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
        String[] oldRaw = raw;
        String[] oldShown = shown;
        raw = new String[oldRaw.length * 2];
        shown = new String[oldRaw.length * 2];
        int mask = raw.length - 1;
        for (int i = 0; i < oldRaw.length; i++) {
            String name = oldRaw[i];
            if (name != null) {
                int slot = spread(name.hashCode()) & mask;
                while (raw[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                raw[slot] = name;
                shown[slot] = oldShown[i];
            }
        }
        Arrays.fill(oldRaw, null);
        Arrays.fill(oldShown, null);
    }
}
