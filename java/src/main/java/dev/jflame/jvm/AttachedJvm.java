package dev.jflame.jvm;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A running JVM jflame talks to through the JDK Attach API: each {@link #request} loads the
 * embedded agent with {@code VirtualMachine.loadAgentPath}, always from the same path, so the
 * JVM hands every request to the one agent already loaded. The agent answers through a status
 * file in the {@link TargetFiles} work directory. {@link #attach} first has
 * {@link TargetProcess} check the process, since the attach itself signals it.
 */
public final class AttachedJvm implements AutoCloseable {
    /** The oldest Java the agent is built and tested for. */
    public static final int MINIMUM_JAVA = 17;

    private final long pid;
    private final VirtualMachine vm;
    private final TargetFiles files;
    private final String javaVersion;
    private int requests;

    private AttachedJvm(long pid, VirtualMachine vm, TargetFiles files, String javaVersion) {
        this.pid = pid;
        this.vm = vm;
        this.files = files;
        this.javaVersion = javaVersion;
    }

    /** Checks the target, attaches, and places the agent where the target can load it. */
    public static AttachedJvm attach(long pid) throws IOException {
        TargetProcess.checkAttachable(pid);
        TargetNamespace namespace = TargetNamespace.of(pid);
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(Long.toString(pid));
        } catch (AttachNotSupportedException | IOException e) {
            throw new IOException(whyAttachFailed(pid, e), e);
        }
        try {
            String version = checkVersion(pid, vm);
            return new AttachedJvm(pid, vm, TargetFiles.place(pid, namespace), version);
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

    /** The agent's files and the work directory, in both views. */
    public TargetFiles files() {
        return files;
    }

    /**
     * Sends one request ({@code start}, {@code stop}, {@code dump} or {@code status}) with the
     * given agent options (may be empty) and returns the agent's answer. A refusal by the agent
     * comes back as a status that is not {@link AgentStatus#ok()}; failures to talk to the JVM
     * at all are IOExceptions with a one-line message.
     */
    public AgentStatus request(String action, String agentOptions) throws IOException {
        Path status = files.workFile("status-" + (++requests));
        Path statusInTarget = files.inTarget(status);
        String options = action + ",statusfile=" + statusInTarget + (agentOptions.isEmpty() ? "" : "," + agentOptions);
        if (statusInTarget.toString().contains(",")) {
            throw new IOException("the status path may not contain a comma: " + status);
        }
        try {
            vm.loadAgentPath(files.agentInTarget().toString(), options);
        } catch (AgentInitializationException e) {
            // The agent refused; its reason is in the status file.
        } catch (AgentLoadException e) {
            throw new IOException("JVM " + pid + " could not load the agent " + files.agentInTarget() + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            if (!TargetProcess.isAlive(pid)) {
                throw new IOException("JVM " + pid + " exited during the attach", e);
            }
            throw new IOException("lost the connection to JVM " + pid + ": " + e.getMessage(), e);
        }
        try {
            return AgentStatus.read(status);
        } catch (NoSuchFileException e) {
            if (!TargetProcess.isAlive(pid)) {
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
        files.deleteWorkDir();
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

    private static String whyAttachFailed(long pid, Exception e) {
        if (!TargetProcess.isAlive(pid)) {
            return "JVM " + pid + " exited during the attach";
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "cannot attach to JVM " + pid + ": " + detail;
    }

    private static void detachQuietly(VirtualMachine vm) {
        try {
            vm.detach();
        } catch (IOException e) {
            // Detaching from a JVM that is gone has nothing left to do.
        }
    }
}
