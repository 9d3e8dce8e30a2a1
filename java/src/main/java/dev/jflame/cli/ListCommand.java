package dev.jflame.cli;

import dev.jflame.jvm.JvmProcess;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code jflame list}: the JVMs to attach to, like {@code jps -l}. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "List the running JVMs this user can attach to (every JVM, for root), one per line:",
            "pid, Java version, main class or jar. The JVMs are only looked at, not attached to.",
        })
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (JvmProcess jvm : JvmProcess.list()) {
            out.printf("%-8d %-10s %s%n", jvm.pid(), jvm.javaVersion(), jvm.main());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
