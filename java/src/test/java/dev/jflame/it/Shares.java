package dev.jflame.it;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import java.util.LinkedHashMap;
import java.util.Map;

/** Sample counts and shares of the stacks that pass through given methods. */
final class Shares {
    private Shares() {
    }

    /** Samples whose stack contains a frame ending in the given method name, per name. */
    static Map<String, Long> samplesIn(Profile profile, String... methods) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String m : methods) {
            counts.put(m, 0L);
        }
        for (Stack stack : profile.stacks()) {
            for (String m : methods) {
                if (stack.frames().stream().anyMatch(f -> f.endsWith("." + m) || f.contains("." + m + ":"))) {
                    counts.merge(m, stack.count(), Long::sum);
                    break;
                }
            }
        }
        return counts;
    }

    /** Percent of the listed methods' samples that fall into each of them. */
    static Map<String, Double> percentAmong(Profile profile, String... methods) {
        Map<String, Long> counts = samplesIn(profile, methods);
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Double> shares = new LinkedHashMap<>();
        counts.forEach((m, c) -> shares.put(m, total == 0 ? 0 : 100.0 * c / total));
        return shares;
    }
}
