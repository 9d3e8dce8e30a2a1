package dev.jflame.jvm;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A running JVM jflame talks to through the JDK Attach API: each {@link #request} loads the
 * embedded agent with {@code VirtualMachine.loadAgentPath}, always from the same path, so the
 * JVM hands every request to the one agent already loaded. The agent answers through a status
 * file, and writes profiles, in a private directory under the target's {@code /tmp} (reached
 * through {@code /proc/PID/root} when the target lives in another mount namespace).
 *
 * <p>Before anything is sent to the process, {@link #attach} checks what would otherwise
 * fail slowly or harm it: the attach mechanism signals the process (SIGQUIT) to wake its
 * attach listener, which would kill a process that is no JVM and make a JVM started with
 * {@code -XX:+DisableAttachMechanism} print a thread dump.
 */
public final class AttachedJvm implements AutoCloseable {
    /** The oldest Java the agent is built and tested for. */
    public static final int MINIMUM_JAVA = 17;
    private static final String DISABLE_ATTACH = "-XX:+DisableAttachMechanism";

    private final long pid;
    private final VirtualMachine vm;
    private final TargetNamespace namespace;
    private final Path agentInTarget;
    private final Path workDir;
    private final String javaVersion;
    private int requests;

    private AttachedJvm(long pid, VirtualMachine vm, TargetNamespace namespace, Path agentInTarget, Path workDir,
            String javaVersion) {
        this.pid = pid;
        this.vm = vm;
        this.namespace = namespace;
        this.agentInTarget = agentInTarget;
        this.workDir = workDir;
        this.javaVersion = javaVersion;
    }

    /** Checks the target, attaches, and places the agent where the target can load it. */
    public static AttachedJvm attach(long pid) throws IOException {
        checkAttachable(pid);
        TargetNamespace namespace = TargetNamespace.of(pid);
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new IOException(whyAttachFailed(pid, e), e);
        }
        try {
            String version = checkVersion(pid, vm);
            Path agent = placeAgent(namespace);
            Path work = createWorkDir(pid, namespace);
            return new AttachedJvm(pid, vm, namespace, namespace.targetPath(agent), work, version);
        } catch (IOException | RuntimeException e) {
            detachQuietly(vm);
            throw e;
        }
    }

    public long pid() {
        return pid;
    }

    /** The target's {@code java.version}. */
    public String javaVersion() {
        return javaVersion;
    }

    /** A file in the private directory, as seen from here; {@link #inTarget} names it for the agent. */
    public Path workFile(String name) {
        return workDir.resolve(name);
    }

    /** A file in the target's {@code /tmp}, as seen from here. */
    public Path tmpFile(String name) {
        return namespace.tmp().resolve(name);
    }

    /** Whether the target sees our files under the same paths (no container between us). */
    public boolean sharesFiles() {
        return namespace.shared();
    }

    /** A path seen from here, in the target's view. */
    public Path inTarget(Path hostPath) {
        return namespace.targetPath(hostPath);
    }

    /**
     * Sends one request ({@code start}, {@code stop}, {@code dump} or {@code status}) with the
     * given agent options (may be empty) and returns the agent's answer. A refusal by the agent
     * comes back as a status that is not {@link AgentStatus#ok()}; failures to talk to the JVM
     * at all are IOExceptions with a one-line message.
     */
    public AgentStatus request(String action, String agentOptions) throws IOException {
        Path status = workFile("status-" + (++requests));
        String options = action + ",statusfile=" + inTarget(status) + (agentOptions.isEmpty() ? "" : "," + agentOptions);
        if (inTarget(status).toString().contains(",")) {
            throw new IOException("the status path may not contain a comma: " + status);
        }
        try {
            vm.loadAgentPath(agentInTarget.toString(), options);
        } catch (AgentInitializationException e) {
            // The agent refused; its reason is in the status file.
        } catch (AgentLoadException e) {
            throw new IOException("JVM " + pid + " could not load the agent " + agentInTarget + ": " + e.getMessage(), e);
        } catch (IOException e) {
            if (!isAlive(pid)) {
                throw new IOException("JVM " + pid + " exited during the attach", e);
            }
            throw new IOException("lost the connection to JVM " + pid + ": " + e.getMessage(), e);
        }
        try {
            return AgentStatus.read(status);
        } catch (NoSuchFileException e) {
            if (!isAlive(pid)) {
                throw new IOException("JVM " + pid + " exited during the attach", e);
            }
            throw new IOException("the agent in JVM " + pid + " did not answer (no " + status + ")", e);
        } finally {
            Files.deleteIfExists(status);
        }
    }

    @Override
    public void close() {
        detachQuietly(vm);
        try (Stream<Path> files = Files.walk(workDir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A leftover directory in the target's /tmp is harmless.
        }
    }

    public static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    // --- Checks before attaching ---------------------------------------------------------

    private static void checkAttachable(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        if (pid <= 0 || !Files.isDirectory(proc)) {
            throw new IOException("no such process: " + pid);
        }
        int ourUid = uidOf(Path.of("/proc/self"));
        int theirUid = uidOf(proc);
        if (ourUid != 0 && ourUid != theirUid) {
            throw new IOException("process " + pid + " belongs to " + ownerName(proc, theirUid)
                    + ": jflame attaches only to JVMs of its own user (or runs as root)");
        }
        String maps;
        try {
            maps = Files.readString(proc.resolve("maps"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            if (!isAlive(pid)) {
                throw new IOException("no such process: " + pid, e);
            }
            throw new IOException("cannot inspect process " + pid + ": permission denied reading " + proc.resolve("maps"), e);
        }
        if (maps.isEmpty() || !isAlive(pid)) {
            throw new IOException("process " + pid + " is exiting or has exited");
        }
        if (!maps.contains("/libjvm.so")) {
            throw new IOException("process " + pid + " (" + commOf(proc) + ") is not a Java VM");
        }
        if (lastJvmFlag(commandLineWords(proc), "DisableAttachMechanism")) {
            throw new IOException("JVM " + pid + " was started with " + DISABLE_ATTACH
                    + " and accepts no attach; restart it without that option");
        }
    }

    private static String checkVersion(long pid, VirtualMachine vm) throws IOException {
        Properties properties = vm.getSystemProperties();
        String spec = properties.getProperty("java.specification.version", "");
        String version = properties.getProperty("java.version", spec);
        int major = majorVersion(spec);
        int minimum = Integer.getInteger("jflame.minimumTargetJava", MINIMUM_JAVA);
        if (major < minimum) {
            throw new IOException("JVM " + pid + " runs Java " + version + ", too old for the jflame agent (Java "
                    + minimum + " or newer)");
        }
        return version;
    }

    static int majorVersion(String specificationVersion) {
        String s = specificationVersion.startsWith("1.") ? specificationVersion.substring(2) : specificationVersion;
        int dot = s.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? s : s.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether {@code -XX:+NAME} is in effect: the last of {@code -XX:±NAME} wins, as in the JVM. */
    static boolean lastJvmFlag(List<String> words, String name) {
        boolean on = false;
        for (String word : words) {
            for (String part : word.split("\\s+")) {
                if (part.equals("-XX:+" + name)) {
                    on = true;
                } else if (part.equals("-XX:-" + name)) {
                    on = false;
                }
            }
        }
        return on;
    }

    /** The JVM's options as the launcher saw them: the variables it reads, then the command line. */
    private static List<String> commandLineWords(Path proc) {
        List<String> words = new java.util.ArrayList<>();
        try {
            for (String env : nulSeparated(proc.resolve("environ"))) {
                if (env.startsWith("JAVA_TOOL_OPTIONS=") || env.startsWith("JDK_JAVA_OPTIONS=")
                        || env.startsWith("_JAVA_OPTIONS=")) {
                    words.add(env.substring(env.indexOf('=') + 1));
                }
            }
        } catch (IOException e) {
            // Unreadable environment: the command line still tells the common case.
        }
        try {
            words.addAll(nulSeparated(proc.resolve("cmdline")));
        } catch (IOException e) {
            // The process is going away; the attach will say so.
        }
        return words;
    }

    private static List<String> nulSeparated(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        return List.of(text.split("\0"));
    }

    private static String whyAttachFailed(long pid, Exception e) {
        if (!isAlive(pid)) {
            return "JVM " + pid + " exited during the attach";
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "cannot attach to JVM " + pid + ": " + detail;
    }

    // --- Files the target can read and write ----------------------------------------------

    /** The agent, at the same path for every attach of this build (so the JVM reuses the loaded copy). */
    private static Path placeAgent(TargetNamespace namespace) throws IOException {
        if (namespace.shared()) {
            return EmbeddedAgent.inTempDirectory().extract();
        }
        return new EmbeddedAgent(namespace.tmp().resolve("jflame-" + EmbeddedAgent.userName())).extract();
    }

    private static Path createWorkDir(long pid, TargetNamespace namespace) throws IOException {
        Path dir = Files.createTempDirectory(namespace.tmp(), "jflame-attach-" + pid + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        // The agent runs as the target's user: when root attaches to another user's JVM, the
        // directory is handed to that user, still private to it.
        Path proc = Path.of("/proc", Long.toString(pid));
        int uid = uidOf(proc);
        if (uid != uidOf(Path.of("/proc/self"))) {
            Files.setAttribute(dir, "unix:gid", Files.getAttribute(proc, "unix:gid"));
            Files.setAttribute(dir, "unix:uid", uid);
        }
        return dir;
    }

    private static int uidOf(Path path) throws IOException {
        try {
            return (Integer) Files.getAttribute(path, "unix:uid");
        } catch (NoSuchFileException e) {
            throw new IOException("no such process: " + path.getFileName(), e);
        }
    }

    private static String ownerName(Path proc, int uid) {
        try {
            return "user " + Files.getOwner(proc).getName();
        } catch (IOException e) {
            return "uid " + uid;
        }
    }

    private static String commOf(Path proc) {
        try {
            return Files.readString(proc.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void detachQuietly(VirtualMachine vm) {
        try {
            vm.detach();
        } catch (IOException e) {
            // Detaching from a JVM that is gone has nothing left to do.
        }
    }
}
