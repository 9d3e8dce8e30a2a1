package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.GcChurnWorkload;
import dev.jflame.workload.ReadLoopWorkload;
import dev.jflame.workload.ThreadBirthWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mixed-mode stacks, part 2, in real JVMs: kernel frames at the leaf (root, where kernel
 * callchains are allowed), the header's one line where they are not (the JVM run as user
 * nobody through setpriv), named GC and JIT frames on their threads, and short threads
 * sampled from birth.
 */
class KernelFramesIT {
    private static final String READ_BYTES = "java.io.FileInputStream.readBytes [native]";
    // libc's read wrapper as a leaf frame, by its names across glibc versions.
    private static final Set<String> LIBC_READ = Set.of("__read [libc.so.6]", "read [libc.so.6]",
            "__libc_read [libc.so.6]", "__read_nocancel [libc.so.6]");

    @TempDir
    Path dir;

    private static long samples(Profile profile, Predicate<List<String>> which) {
        return profile.stacks().stream().filter(s -> which.test(s.frames())).mapToLong(Stack::count).sum();
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * A program reading a file one byte per read(): most samples under readBytes carry the
     * kernel's frames, the system call's entry among them, and some the file read path.
     */
    @Test
    void readingOneByteAtATimeShowsTheSystemCallInTheKernel() throws Exception {
        assumeTrue(isRoot(), "kernel callchains need root here (perf_event_paranoid is 2)");
        AgentRun run = AgentRun.run(dir, "event=cpu,interval=1ms", ReadLoopWorkload.class, "2500");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        String header = profile.meta("kernel_frames").orElse("?");
        long inRead = samples(profile, f -> f.contains(READ_BYTES));
        // Above readBytes (toward the leaf): its JNI code, libc's read, then the kernel.
        long withKernel = samples(profile, f -> {
            int at = f.indexOf(READ_BYTES);
            return at >= 0 && f.subList(at, f.size()).stream().anyMatch(n -> n.startsWith("entry_SYSCALL_64")
                    || n.startsWith("el0_svc"));
        });
        long readPath = samples(profile, f -> f.contains(READ_BYTES)
                && f.stream().anyMatch(n -> n.equals("ksys_read_[k]") || n.equals("vfs_read_[k]")));
        // The CPU-time clock is an hrtimer: a tick that falls while the kernel runs with
        // interrupts off (the system call's exit path) is taken on the first user
        // instruction after the syscall, in libc's read, with an empty kernel callchain.
        // perf's own cpu-clock does the same: 20 % of this program's samples sit in libc's
        // read in user mode (perf record -e cpu-clock, no agent; this VM has no PMU for a
        // precise clock). Those samples are the kernel's time but cannot carry its frames.
        long atSyscallReturn = samples(profile, f -> {
            int at = f.indexOf(READ_BYTES);
            return at >= 0 && f.stream().noneMatch(n -> n.endsWith("_[k]")) && LIBC_READ.contains(f.get(f.size() - 1));
        });
        String where = withKernel + " of " + inRead + " samples in readBytes with the syscall entry, " + atSyscallReturn
                + " at the syscall's return without kernel frames, " + readPath + " in ksys_read/vfs_read; kernel_frames: "
                + header;
        System.out.println("KernelFramesIT: " + where);
        assertTrue(header.startsWith("on, "), where);
        // A share, not a count: the program reads for 2,500 ms of wall time, which on a
        // loaded machine is far less CPU (626 samples in readBytes once at load 20). Its
        // time is readBytes' all but startup (91 % of the samples on a quiet machine).
        long all = samples(profile, f -> true);
        assertTrue(inRead > 200 && inRead * 2 > all, where + "; " + all + " samples in all");
        assertTrue(withKernel * 2 > inRead - atSyscallReturn,
                "most readBytes samples not taken at the syscall's return need kernel frames: " + where);
        assertTrue(readPath * 10 > inRead, "the file read path must show: " + where);
        // Kernel frames are the leaf: nothing but kernel frames follows the first one.
        long misplaced = samples(profile, f -> {
            int first = -1;
            for (int i = 0; i < f.size(); i++) {
                if (f.get(i).endsWith("_[k]")) {
                    first = first < 0 ? i : first;
                } else if (first >= 0) {
                    return true;
                }
            }
            return false;
        });
        assertEquals(0, misplaced, "kernel frames below user frames; " + where);
    }

    /**
     * The same program run as user nobody (setpriv, no capabilities; perf_event_paranoid 2
     * refuses kernel callchains): the header says why in one line, the profile is as before.
     */
    @Test
    void withoutPrivilegeTheHeaderSaysWhyAndNothingFails() throws Exception {
        assumeTrue(isRoot() && Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs root to drop to nobody");
        Path work = Files.createTempDirectory(Path.of("/tmp"), "jflame-nopriv");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                    "--clear-groups"));
            cmd.addAll(AgentRun.command(work, "event=cpu,interval=1ms", ReadLoopWorkload.class, "1500"));
            AgentRun run = AgentRun.exec(work, cmd, AgentRun.profilePath(work));
            assertEquals(0, run.exitCode(), run.stderr());
            Profile profile = run.profile();
            String header = profile.meta("kernel_frames").orElse("?");
            assertTrue(header.startsWith("off: kernel.perf_event_paranoid="), header);
            // A share, not a count: the program reads for 1,500 ms of wall time, so on a loaded
            // machine it gets fewer samples (383 in all once at load 13). Its user time is mostly
            // readBytes' (57 % of the samples, startup included, measured at load 20).
            long inRead = samples(profile, f -> f.contains(READ_BYTES));
            long all = samples(profile, f -> true);
            assertTrue(inRead > 100 && inRead * 3 > all, inRead + " of " + all + " samples in readBytes; "
                    + profile.metadata());
            assertEquals(0, samples(profile, f -> f.stream().anyMatch(n -> n.endsWith("_[k]"))));
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Two threads filling a ring of 1-64 KB arrays under -Xmx256m: most samples of the GC
     * threads carry named G1 functions, and the JIT compiler threads' samples compiler ones.
     */
    @Test
    void gcAndJitThreadsCarryTheirOwnFunctions() throws Exception {
        List<String> cmd = new ArrayList<>(AgentRun.command(dir, "event=cpu,interval=1ms",
                GcChurnWorkload.class, "3000"));
        cmd.add(1, "-Xmx256m");
        cmd.add(1, "-XX:+UseG1GC");
        AgentRun run = AgentRun.exec(dir, cmd, AgentRun.profilePath(dir));
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        Pattern gcThread = Pattern.compile("\\[(GC Thread#\\d+|G1 .*)\\]");
        Pattern g1 = Pattern.compile("G1\\w*::.*");
        Pattern jitThread = Pattern.compile("\\[C[12] CompilerThre.*\\]");
        Pattern compiler = Pattern.compile(
                "(Compile|C2Compiler|Compilation|Parse|Phase\\w*|Matcher|LinearScan|GraphBuilder|ciEnv|IR|"
                        + "CompileBroker|Optimizer|ValueNumbering)\\b.*::.*|.*(Compile|Compilation|Parse|Phase).*::.*");
        long gc = samples(profile, f -> gcThread.matcher(f.get(0)).matches());
        long gcNamed = samples(profile, f -> gcThread.matcher(f.get(0)).matches()
                && f.stream().anyMatch(n -> g1.matcher(n).matches()));
        // Compilers are busiest in the JVM's first half second, partly before the unwind tables
        // are built (on a loaded machine): judged are the samples that have native frames.
        long jit = samples(profile, f -> jitThread.matcher(f.get(0)).matches() && f.size() > 1);
        long jitNamed = samples(profile, f -> jitThread.matcher(f.get(0)).matches()
                && f.stream().anyMatch(n -> compiler.matcher(n).matches()));
        String where = gcNamed + " of " + gc + " GC-thread samples with G1 functions, " + jitNamed + " of " + jit
                + " JIT-thread samples with compiler functions";
        System.out.println("KernelFramesIT: " + where);
        assertTrue(gc > 100, where);
        assertTrue(gcNamed * 10 >= gc * 8, where);
        assertTrue(jit > 5, where);
        assertTrue(jitNamed * 10 >= jit * 6, where);  // few samples: a looser bound than the GC's
    }

    /**
     * 200 native threads (JNI) and 200 Java threads, each burning 20 ms of CPU and ending,
     * profiled at 1 ms: their samples are at least 90% of their CPU time / interval, since
     * each is armed before it runs its own code.
     */
    @Test
    void shortThreadsAreSampledFromBirth() throws Exception {
        String lib = System.getProperty("jflame.mixedStacksDwarf");
        assertTrue(lib != null, "system property jflame.mixedStacksDwarf is not set (run the tests through Maven)");
        AgentRun run = AgentRun.run(dir, "event=cpu,interval=1ms", ThreadBirthWorkload.class, lib, "200", "20");
        assertEquals(0, run.exitCode(), run.stderr());
        Profile profile = run.profile();
        long nativeCpu = printed(run.stdout(), "native_cpu_ns");
        long javaCpu = printed(run.stdout(), "java_cpu_ns");
        long nativeSamples = samples(profile, f -> f.contains("born_burst [libmixed_stacks_dwarf.so]"));
        long javaSamples = samples(profile, f -> f.contains("dev.jflame.workload.ThreadBirthWorkload.javaBurst"));
        double nativeYield = nativeSamples / (nativeCpu / 1e6);
        double javaYield = javaSamples / (javaCpu / 1e6);
        String where = String.format("native yield %.3f (%d samples, %.0f ms CPU), java yield %.3f (%d, %.0f ms); "
                + "armed at birth %s", nativeYield, nativeSamples, nativeCpu / 1e6, javaYield, javaSamples,
                javaCpu / 1e6, profile.meta("threads_armed_at_birth").orElse("?"));
        System.out.println("KernelFramesIT: " + where);
        assertTrue(nativeYield >= 0.9, where);
        assertTrue(javaYield >= 0.9, where);
    }

    private static long printed(String stdout, String key) {
        Matcher m = Pattern.compile(key + " (\\d+)").matcher(stdout);
        assertTrue(m.find(), key + " not printed: " + stdout);
        return Long.parseLong(m.group(1));
    }
}
