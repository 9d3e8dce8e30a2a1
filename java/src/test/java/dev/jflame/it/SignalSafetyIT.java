package dev.jflame.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jflame.flamegraph.NativeFrameName;
import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import dev.jflame.workload.NativeLibraryWorkload;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native code in the profiled application that makes the sampling signal hostile: a thread that
 * never touches the JVM, a SIGPROF handler of its own, the signal blocked. The library
 * (native/test/hostile_native_library.cpp, built by CMake) acts from its constructor, so that
 * System.load is all the workload does: no JNI.
 */
class SignalSafetyIT {
    @TempDir
    Path dir;

    private AgentRun runWithLibrary(String behaviour, String millis) throws Exception {
        return runWithLibrary(behaviour, millis, "event=cpu,interval=1ms");
    }

    private AgentRun runWithLibrary(String behaviour, String millis, String agentOptions) throws Exception {
        String library = System.getProperty("jflame.hostileNative");
        assertTrue(library != null, "system property jflame.hostileNative is not set (run the tests through Maven)");
        AgentRun run = AgentRun.run(dir, agentOptions, Map.of("JFLAME_HOSTILE", behaviour),
                NativeLibraryWorkload.class, library, millis);
        assertEquals(0, run.exitCode(), run.stderr());
        return run;
    }

    /**
     * A native thread spinning in malloc is sampled without any call into the JVM (GetEnv's
     * first touch of libjvm's thread-local storage on such a thread allocates, which deadlocked
     * a handler that interrupted malloc): the run ends, and the thread is its native stack
     * under a frame naming it, without a Java frame.
     */
    @Test
    void nativeThreadThatNeverTouchedTheJvmIsSampledAsNative() throws Exception {
        AgentRun run = runWithLibrary("native-thread", "1500");
        Profile profile = run.profile();
        List<Stack> spin = profile.stacks().stream().filter(s -> s.frames().get(0).equals("[native-spin]")).toList();
        long nativeSamples = spin.stream().mapToLong(Stack::count).sum();
        assertTrue(nativeSamples > 0, "no [native-spin] samples; stderr:\n" + run.stderr());
        assertTrue(spin.stream().allMatch(s -> s.frames().stream().skip(1).allMatch(
                // Kernel frames (_[k]) at the leaf: interrupts and the scheduler, where allowed.
                f -> NativeFrameName.parse(f) != null || f.equals("[broken_native_stack]") || f.endsWith("_[k]"))),
                "a native thread got Java frames: " + spin);
        assertTrue(spin.stream().anyMatch(s -> s.frames().stream().anyMatch(f -> f.contains("spinInMalloc"))),
                "the native thread's own function is not named: " + spin);
    }

    @Test
    void foreignSigprofHandlerIsReportedNotCrashed() throws Exception {
        AgentRun run = runWithLibrary("foreign-sigprof", "1000");
        assertTrue(run.stderr().contains("another handler replaced jflame's for signal"), run.stderr());
        String header = run.profile().meta("signal_handler").orElse("");
        assertTrue(header.contains("SIGPROF"), "no signal_handler header: " + run.profile().metadata());
    }

    /**
     * An application that owns SIGPROF (its handler, its own timer) is profiled on another
     * signal: signal= moves the CPU events off SIGPROF (perf's F_SETSIG, the timers'
     * sigev_signo), and the application keeps every signal of its own.
     */
    @Test
    void applicationOwningSigprofIsProfiledOnAnotherSignal() throws Exception {
        for (String event : List.of("cpu", "ctimer")) {
            AgentRun run = runWithLibrary("own-sigprof", "1500", "event=" + event + ",interval=5ms,signal=40");
            Profile profile = run.profile();
            assertTrue(!run.stderr().contains("another handler replaced"), run.stderr());
            assertTrue(profile.meta("signal_handler").isEmpty(), "signal_handler header: " + profile.metadata());
            Matcher own = Pattern.compile("own-sigprof: (\\d+) signals for about (\\d+) expected").matcher(run.stderr());
            assertTrue(own.find(), "the library reported nothing: " + run.stderr());
            long received = Long.parseLong(own.group(1));
            long expected = Long.parseLong(own.group(2));
            // Its timer is wall-clock and process-wide: every expiry reaches its handler (counted
            // with the overruns a loaded machine folds into one signal), none of ours does.
            assertTrue(received >= expected * 8 / 10, event + ": the application got " + received + " of ~" + expected);
            long samples = Long.parseLong(profile.meta("samples").orElse("0"));
            // CPU-time events: a loaded machine gives the JVM little CPU, so any real number of
            // samples proves signal 40 carries them (none would arrive if it did not).
            assertTrue(samples >= 10, event + ": only " + samples + " samples on signal 40\n" + run.stderr());
        }
    }

    @Test
    void blockedSigprofIsReported() throws Exception {
        AgentRun run = runWithLibrary("block-sigprof", "1500");
        Profile profile = run.profile();
        // Judged for event=cpu only: where perf events are refused the fallback, ctimer, delivers
        // too few signals at 1 ms for the comparison to mean anything.
        assumeTrue(profile.meta("event").orElse("").equals("cpu"), "perf events unavailable here");
        assertTrue(profile.meta("signal_delivery").orElse("").contains("blocks the signal"),
                "no signal_delivery header: " + profile.metadata() + "\n" + run.stderr());
        assertTrue(run.stderr().contains("sampling signals arrived for about"), run.stderr());
    }
}
