package dev.jflame.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the packaged jflame jar as users do, {@code java -jar jflame.jar ...}, in a child process. */
record Jflame(int exitCode, byte[] stdout, String stderr) {
    static Path jar() {
        String jar = System.getProperty("jflame.jar");
        if (jar == null) {
            throw new IllegalStateException("system property jflame.jar is not set (run the tests through Maven)");
        }
        return Path.of(jar);
    }

    static Jflame run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(AgentRun.java().toString(), "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        return exec(workDir, cmd);
    }

    /** Runs a command line that starts jflame, stdin empty, output captured in {@code workDir}. */
    static Jflame exec(Path workDir, List<String> cmd) throws IOException, InterruptedException {
        Path out = workDir.resolve("jflame.stdout");
        Path err = workDir.resolve("jflame.stderr");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(AgentRun.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw HangReport.timedOut(p, cmd);
        }
        return new Jflame(p.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.UTF_8));
    }

    String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
