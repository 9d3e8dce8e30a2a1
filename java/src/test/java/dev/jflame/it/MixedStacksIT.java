package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.DeflaterWorkload;
import dev.jflame.workload.MixedStacksWorkload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native frames under and beside Java, in real JVMs: a JNI library with a known 70/30 split
 * between two C functions (native/test/stacks/mixed_stacks_library.cpp, built with and without
 * frame pointers), zlib under Deflater, stacks no unwinder can follow, and attaching again and
 * again to a JVM whose native threads never touched it and spin in malloc.
 */
class MixedStacksIT {
    private static final String SPLIT = "dev.jflame.workload.MixedStacksWorkload.split [native]";
    private static final String CALL_SPLIT = "dev.jflame.workload.MixedStacksWorkload.callSplit";

    @TempDir
    Path dir;

    private static String library(String variant) {
        String property = variant.equals("fp") ? "jflame.mixedStacksFp" : "jflame.mixedStacksDwarf";
        String path = System.getProperty(property);
        assertTrue(path != null, "system property " + property + " is not set (run the tests through Maven)");
        return path;
    }

    private static long samples(Profile profile, Predicate<List<String>> which) {
        return profile.stacks().stream().filter(s -> which.test(s.frames())).mapToLong(Stack::count).sum();
    }

    /** Whether `frames` holds `names` in this order, each right under the one before. */
    private static boolean hasPath(List<String> frames, String... names) {
        for (int i = 0; i + names.length <= frames.size(); i++) {
            boolean all = true;
            for (int j = 0; j < names.length && all; j++) {
                all = frames.get(i + j).equals(names[j]);
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private void seventyThirty(String variant, String nativeStacks) throws Exception {
        String lib = library(variant);
        String libName = Path.of(lib).getFileName().toString();
        AgentRun run = AgentRun.run(dir, "event=cpu,interval=1ms,nativestacks=" + nativeStacks,
                MixedStacksWorkload.class, lib, "split", "2500");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        String jni = "Java_dev_jflame_workload_MixedStacksWorkload_split [" + libName + "]";
        long hot70 = samples(profile, f -> hasPath(f, CALL_SPLIT, SPLIT, jni, "mixed_hot70 [" + libName + "]"));
        long hot30 = samples(profile, f -> hasPath(f, CALL_SPLIT, SPLIT, jni, "mixed_hot30 [" + libName + "]"));
        long inSplit = samples(profile, f -> f.contains(SPLIT));
        String where = variant + " library, nativestacks=" + nativeStacks + ": 70% " + hot70 + ", 30% " + hot30
                + " of " + inSplit + " samples in split; header " + profile.meta("native_stacks").orElse("?");
        // 2.5 s of CPU at 1 ms: about 2,500 samples, the first few hundred ms of which may come
        // before the unwind tables are built.
        assertTrue(hot70 + hot30 >= 1500, "too few samples with the C functions: " + where);
        // With frame pointers alone, a sample whose leaf is in libc's clock_gettime (built
        // without them) skips its caller, so it names neither C function: fewer reach one.
        // Either way, samples taken before the unwind tables are built (a few hundred ms on a
        // loaded machine) have no native frames.
        double reach = nativeStacks.equals("fp") ? 0.7 : 0.8;
        assertTrue(hot70 + hot30 >= inSplit * reach, "most samples in split must reach a C function: " + where);
        double share = 100.0 * hot70 / (hot70 + hot30);
        System.out.printf("MixedStacksIT: %s: share %.2f%% (error %.2f points)%n", where, share, Math.abs(share - 70));
        assertEquals(70, share, 3, where);
    }

    @Test
    void jniFunctionsSplitSeventyThirtyWithFramePointers() throws Exception {
        seventyThirty("fp", "fp");
    }

    @Test
    void jniFunctionsSplitSeventyThirtyWithoutFramePointersThroughDwarf() throws Exception {
        seventyThirty("dwarf", "dwarf");
    }

    @Test
    void zlibIsNamedUnderDeflater() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=cpu,interval=1ms", DeflaterWorkload.class, "2000");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        String deflateBytes = "java.util.zip.Deflater.deflateBytesBytes [native]";
        // zlib is the system's libz.so.1 on Debian's JDK, built into libzip.so on Temurin's.
        long inZlib = samples(profile, f -> {
            int at = f.indexOf(deflateBytes);
            return at >= 0 && at + 2 < f.size()
                    && f.get(at + 1).startsWith("Java_java_util_zip_Deflater_deflateBytesBytes [libzip.so]")
                    && f.get(at + 2).matches("deflate \\[lib(z\\.so\\.1|zip\\.so)\\]");
        });
        long inDeflater = samples(profile, f -> f.contains(deflateBytes));
        assertTrue(inDeflater > 500 && inZlib >= inDeflater * 0.8,
                "Deflater.deflateBytesBytes " + inDeflater + " samples, through the JNI function into deflate "
                        + inZlib + "; " + profile.metadata());
    }

    @Test
    void stacksNoUnwinderCanFollowEndInABrokenStackFrame() throws Exception {
        for (String nativeStacks : List.of("dwarf", "fp")) {
            AgentRun run = AgentRun.run(dir, "event=cpu,interval=1ms,nativestacks=" + nativeStacks,
                    MixedStacksWorkload.class, library("dwarf"), "hostile", "1500");
            assertEquals(0, run.exitCode(), nativeStacks + ": " + run.stderr());
            Profile profile = run.profile();
            String spin = "mixed_no_unwind_spin [libmixed_stacks_dwarf.so]";
            long broken = samples(profile, f -> hasPath(f, "dev.jflame.workload.MixedStacksWorkload.hostile [native]",
                    "[broken_native_stack]", spin));
            long inSpin = samples(profile, f -> f.contains(spin));
            assertTrue(inSpin > 500 && broken == inSpin, nativeStacks + ": " + inSpin + " samples in the spin, "
                    + broken + " of them under Java, ending in [broken_native_stack]; " + profile.metadata());
        }
    }

    /**
     * Allocations by native code on a thread attached to the JVM have no Java frame: they are
     * named after their thread ({@code [native-alloc];[long[]]}), as CPU samples of such threads
     * are, not left as a bare class frame (in JFR output: an allocation event with no frames).
     */
    @Test
    void allocationsWithoutJavaFramesAreNamedAfterTheirThread() throws Exception {
        AgentRun run = AgentRun.run(dir, "event=alloc,interval=64k", MixedStacksWorkload.class, library("dwarf"),
                "nativealloc", "50");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        long named = samples(profile, f -> f.size() == 2 && f.get(0).startsWith("[native-alloc")
                && f.get(1).equals("[long[]]"));
        long bare = samples(profile, f -> f.size() == 1);
        String stacks = profile.stacks().stream().map(st -> String.join(";", st.frames()) + " " + st.count())
                .limit(20).toList().toString();
        // 50 arrays of 1 MB from the native thread; counts are bytes.
        assertTrue(named >= 25L << 20, "too few bytes under [native-alloc]: " + named + " in " + stacks);
        assertEquals(0, bare, "stacks of a class frame alone: " + stacks);
    }

    /**
     * Attaching 20 times at 1 ms to a JVM whose two native pthreads spin in malloc/free: every
     * attach completes, the target's heartbeat (every 50 ms) never stalls, the native threads
     * keep going, and their malloc/free frames appear under their own thread frame.
     */
    @Test
    void attachingAgainAndAgainNeverStallsNativeThreadsInMalloc() throws Exception {
        Path out = dir.resolve("target.stdout");
        List<String> cmd = List.of(AgentRun.java().toString(), "-cp", AgentRun.testClasses(),
                MixedStacksWorkload.class.getName(), library("dwarf"), "threads", "0");
        Process target = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(dir.resolve("target.stderr").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(out).contains("ready")) {
                assertTrue(target.isAlive() && System.nanoTime() < deadline, "the target did not start");
                Thread.sleep(50);
            }
            long nativeFrames = 0;
            for (int i = 0; i < 20; i++) {
                Path profile = dir.resolve("attach-" + i + ".collapsed");
                Jflame attach = Jflame.run(dir, "attach", Long.toString(target.pid()), "-d", "250ms", "-i", "1ms",
                        "--threads", "-o", profile.toString());
                assertEquals(0, attach.exitCode(), "attach " + i + ": " + attach.stderr());
                nativeFrames += samples(new dev.jflame.flamegraph.CollapsedParser().parse(profile),
                        f -> f.get(0).startsWith("[native-malloc") && f.stream().anyMatch(
                                n -> n.matches("(malloc|free|_int_malloc|_int_free|__memset\\w*|cfree)\\S* \\[libc\\.so\\.6\\]")));
            }
            assertTrue(target.isAlive(), "the target died");
            List<long[]> beats = new ArrayList<>();
            for (String line : Files.readString(out, StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.split(" ");
                if (parts.length == 3 && parts[0].equals("beat")) {
                    beats.add(new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])});
                }
            }
            long worstGap = 0;
            for (int i = 1; i < beats.size(); i++) {
                worstGap = Math.max(worstGap, beats.get(i)[0] - beats.get(i - 1)[0]);
            }
            assertTrue(beats.size() > 20, "too few heartbeats: " + beats.size());
            // A 50 ms heartbeat on a loaded 2-core machine: a stall of the whole JVM would be seconds.
            assertTrue(worstGap < 1500, "the heartbeat stalled for " + worstGap + " ms");
            long progress = beats.get(beats.size() - 1)[1] - beats.get(beats.size() / 2)[1];
            assertTrue(progress > 0, "the native threads made no progress in the second half");
            assertTrue(nativeFrames > 0, "no samples of the native threads in malloc/free/memset");
        } finally {
            target.destroyForcibly();
            target.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
