package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.NewTracesWorkload;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The method namer wakes often only while new methods appear: a program that keeps making new
 * stacks of methods it has already named (a long javac does, for its whole run) lets it back
 * off. Before, every new trace kept it polling every 10 ms: about 100 looks a second here.
 */
class MethodNamerIT {
    private static final int MILLIS = 3000;

    @TempDir
    Path dir;

    @Test
    void newTracesOfKnownMethodsLetTheNamerBackOff() throws Exception {
        AgentRun run = AgentRun.run(dir, "interval=5ms", NewTracesWorkload.class, String.valueOf(MILLIS));
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();

        // The premise: new traces arrive all through the run.
        long distinct = AgentRun.metaNumber(profile, "distinct_traces");
        assertTrue(distinct >= 150, "too few distinct traces to show anything: " + distinct);

        long looks = AgentRun.metaNumber(profile, "namer_looks");
        // Backed off to 80 ms: ~40 looks in 3 s, plus the first few at 10 ms; polling every
        // 10 ms would be ~300.
        assertTrue(looks >= 10 && looks <= 90, "namer looks in " + MILLIS + " ms: " + looks);

        // Backing off named nothing less: the recursion's method is named in the samples.
        long descend = 0;
        long unknown = 0;
        for (Stack stack : profile.stacks()) {
            if (stack.frames().stream().anyMatch(f -> f.startsWith("dev.jflame.workload.NewTracesWorkload.descend"))) {
                descend += stack.count();
            }
            if (stack.frames().stream().anyMatch(f -> f.equals("[unknown_method]"))) {
                unknown += stack.count();
            }
        }
        assertTrue(descend >= 200, "samples in descend: " + descend);
        assertEquals(0, unknown, "samples with an unnamed method");

        // The namer is attached to the JVM only while it names: once the few methods are named
        // it is not, though it still looks. Attached all run, it was in every listing.
        Matcher seen = Pattern.compile("namer attached in (\\d+) of (\\d+) listings").matcher(run.stdout());
        assertTrue(seen.find(), run.stdout());
        int attached = Integer.parseInt(seen.group(1));
        int listings = Integer.parseInt(seen.group(2));
        assertTrue(listings >= 50, "listings: " + listings);
        assertTrue(attached * 10 <= listings, "namer attached in " + attached + " of " + listings + " listings");
        long attaches = AgentRun.metaNumber(profile, "namer_attaches");
        assertTrue(attaches >= 1 && attaches < looks, "namer attaches " + attaches + " in " + looks + " looks");
    }
}
