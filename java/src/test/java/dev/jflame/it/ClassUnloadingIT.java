package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.UnloadingWorkload;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Classes that are unloaded while sampling goes on (throw-away class loaders, hidden classes,
 * lambdas) keep their names in the profile: the agent names methods as they first appear in
 * samples, while their classes are still loaded. Without that, about 96% of these samples were
 * written as {@code [unknown_method]} (measured on this workload before the method namer).
 */
class ClassUnloadingIT {
    private static final double MAX_UNNAMED_PERCENT = 5.0;

    @TempDir
    Path dir;

    @Test
    void samplesInUnloadedClassesStayNamed() throws Exception {
        AgentRun run = AgentRun.run(dir, "interval=1ms,lines", UnloadingWorkload.class, "3000", "50");
        assertEquals(0, run.exitCode(), run.stderr());

        Matcher unloaded = Pattern.compile("unloaded classes: (\\d+)").matcher(run.stdout());
        assertTrue(unloaded.find(), run.stdout());
        // Each round unloads three classes (loader-defined, its lambda, hidden): make sure
        // unloading really happened, or the test would prove nothing.
        assertTrue(Integer.parseInt(unloaded.group(1)) >= 9, run.stdout());

        long named = 0;
        long unnamed = 0;
        Profile profile = run.profile();
        for (Stack stack : profile.stacks()) {
            List<String> frames = stack.frames();
            int caller = -1;
            for (int i = 0; i < frames.size(); i++) {
                if (frames.get(i).contains("UnloadingWorkload.runGenerated")) {
                    caller = i;
                }
            }
            if (caller < 0) {
                continue;
            }
            List<String> callees = frames.subList(caller + 1, frames.size());
            if (callees.stream().anyMatch(f -> f.equals("[unknown_method]") || f.equals("[unloaded_method]"))) {
                unnamed += stack.count();
            } else if (callees.stream().anyMatch(f -> f.contains(".Unloadable"))) {
                named += stack.count();
            }
        }
        long total = named + unnamed;
        assertTrue(total >= 30, "too few samples in the short-lived classes to judge: " + total + "\n" + run.stderr());
        double unnamedPercent = 100.0 * unnamed / total;
        assertTrue(unnamedPercent <= MAX_UNNAMED_PERCENT,
                String.format("%.1f%% of %d samples in unloaded classes stayed unnamed%n%s", unnamedPercent, total,
                        run.stderr()));
    }
}
