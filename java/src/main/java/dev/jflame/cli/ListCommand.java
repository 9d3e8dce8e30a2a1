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
        header = "List the running JVMs that jflame can attach to.",
        description = {
            "One line per JVM this user can attach to (every JVM, for root): pid, Java version, main class or jar. "
                    + "The JVMs are only looked at, not attached to.",
        },
        footerHeading = "%nExit codes:%n",
        footer = "  0 success, 1 a runtime failure, 2 a usage error (see jflame --help).")
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
