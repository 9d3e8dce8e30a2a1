package dev.jflame.cli;

import dev.jflame.jvm.AttachedJvm;
import dev.jflame.jvm.ThreadDump;
import dev.jflame.report.ThreadDumpFormat;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jflame dump PID}: every thread's current stack, once, like jstack but without a safepoint. */
@Command(
        name = "dump",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        header = "Print the current stack of every thread of a running JVM, once.",
        description = {
            "For each thread: its name and ids, the kernel's state, Java frames (and native frames where the agent "
                    + "walks them). Unlike jstack no safepoint is requested: the agent signals each thread and the "
                    + "thread walks its own stack in the signal handler, with the same crash-guarded walk the sampler "
                    + "uses, so the JVM does not stop.",
            "",
            "  jflame dump PID",
            "  jflame dump --json PID",
            "",
            "Not to be confused with 'jflame attach PID dump', which writes the flame graph of a running profile.",
            "",
            "What it cannot do: it talks to the agent through the JVM's attach listener, which does not answer while "
                    + "the JVM is inside a safepoint or a long GC (the dump then waits or fails). A thread interrupted "
                    + "during a GC shows a [gc_active] frame instead of its stack. Thread states are the kernel's "
                    + "(running, sleeping, ...): the JVM's own states (BLOCKED, WAITING) would need a call into the "
                    + "JVM and are left out. A thread that blocks SIGPROF or does not answer within a second is listed "
                    + "as not answering. Threads the JVM hides from tools (JIT compilers, GC) carry their kernel name, "
                    + "at most 15 characters.",
        },
        footerHeading = "%nExit codes:%n",
        footer = "  0 success; 1 the JVM cannot be reached (the message says why); 2 a usage error.")
final class DumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PID", description = "The JVM's process id (see 'jflame list').")
    long pid;

    @Option(names = "--json", description = "Write JSON, for tools: {pid, threads: [{name, tid, java_id, state, "
            + "answer, frames: [{name, kind}]}]}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ThreadDump dump;
        try (AttachedJvm jvm = AttachedJvm.attach(pid)) {
            dump = ThreadDump.take(jvm);
        }
        PrintWriter out = spec.commandLine().getOut();
        (json ? ThreadDumpFormat.json : ThreadDumpFormat.text).write(pid, dump, out);
        out.flush();
        return ExitCodes.OK;
    }
}
