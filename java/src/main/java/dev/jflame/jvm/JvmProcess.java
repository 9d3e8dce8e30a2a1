package dev.jflame.jvm;

import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JVM running on this machine, found without disturbing it: {@code /proc} names every
 * process whose executable is a {@code java} launcher, {@code VirtualMachine.list()} (the
 * hsperfdata files, as {@code jps} reads them) gives the main class where it can, and the
 * JDK's {@code release} file gives the version. Nothing is attached: attaching would start
 * an attach listener thread in every JVM listed.
 */
public record JvmProcess(long pid, String main, String javaVersion) {
    private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-cp", "-classpath", "--class-path", "-p",
            "--module-path", "--add-modules", "--add-opens", "--add-exports", "--add-reads", "--limit-modules",
            "--upgrade-module-path", "--patch-module");

    /** The JVMs this user may attach to (all of them for root), by pid; jflame itself left out. */
    public static List<JvmProcess> list() throws IOException {
        Map<Long, String> names = new HashMap<>();
        for (VirtualMachineDescriptor vm : VirtualMachine.list()) {
            try {
                names.put(Long.parseLong(vm.id()), vm.displayName());
            } catch (NumberFormatException e) {
                // Not a pid: a provider we do not know.
            }
        }
        long self = ProcessHandle.current().pid();
        Object ourUid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        boolean root = Integer.valueOf(0).equals(ourUid);
        List<JvmProcess> jvms = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                try {
                    if (pid == self || (!root && !ourUid.equals(Files.getAttribute(proc, "unix:uid")))) {
                        continue;
                    }
                    Path exe = Files.readSymbolicLink(proc.resolve("exe"));
                    if (!exe.endsWith(Path.of("bin", "java"))) {
                        continue;
                    }
                    String displayName = names.get(pid);
                    String main = displayName != null && !displayName.isBlank() ? displayName.split(" ")[0]
                            : mainFromCommandLine(Files.readAllBytes(proc.resolve("cmdline")));
                    jvms.add(new JvmProcess(pid, main, versionOf(pid, exe)));
                } catch (IOException | UnsupportedOperationException e) {
                    // Gone meanwhile, or not ours to read.
                }
            }
        }
        jvms.sort((a, b) -> Long.compare(a.pid, b.pid));
        return jvms;
    }

    /** The jar after -jar, the module after -m, else the first word that is no option (or an option's value). */
    static String mainFromCommandLine(byte[] cmdline) {
        String[] words = new String(cmdline, StandardCharsets.UTF_8).split("\0");
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            if (w.equals("-jar") || w.equals("-m") || w.equals("--module")) {
                return i + 1 < words.length ? words[i + 1] : "?";
            }
            if (OPTIONS_WITH_VALUE.contains(w)) {
                i++;
            } else if (!w.startsWith("-")) {
                return w;
            }
        }
        return "?";
    }

    /** JAVA_VERSION from the release file of the JDK the launcher belongs to, seen through the process's root. */
    private static String versionOf(long pid, Path exe) {
        Path javaHome = exe.getParent().getParent();
        Path release = TargetNamespace.of(pid).hostPath(javaHome.resolve("release"));
        try {
            for (String line : Files.readAllLines(release, StandardCharsets.UTF_8)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return line.substring("JAVA_VERSION=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // A JRE image without a release file.
        }
        return "?";
    }
}
