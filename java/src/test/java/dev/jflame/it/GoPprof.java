package dev.jflame.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Go's own pprof tool ({@code go tool pprof}, Debian's golang-go), the reference reader of pprof
 * profiles. Where go is missing, a test skips with the reason printed; under CI (CI=true) it
 * fails instead, since CI installs go.
 */
final class GoPprof {
    private static final Pattern TOP_ROW = Pattern.compile(
            "^\\s*(\\d+)\\s+[\\d.]+%\\s+[\\d.]+%\\s+(\\d+)\\s+[\\d.]+%\\s\\s(.*)$");
    // "id: address [M=mapping ]name file:line s=startline(system name)"; jflame leaves file and system name
    // empty; pprof prints M= on every location or, once some have a mapping, only on those.
    private static final Pattern RAW_LOCATION = Pattern.compile(
            "^\\s*(\\d+): 0x[0-9a-f]+ (?:M=\\d+ )?(.*) :(\\d+) s=\\d+(?:\\(\\))?$");
    private static final Pattern RAW_SAMPLE = Pattern.compile("^\\s*(\\d+):((?: \\d+)+) ?$");

    private final Path go;

    private GoPprof(Path go) {
        this.go = go;
    }

    /** The go tool, or the test is skipped (outside CI) or failed (in CI). */
    static GoPprof require() {
        Optional<Path> go = find();
        if (go.isEmpty()) {
            String reason = "go is not installed (apt-get install golang-go): go tool pprof cannot read jflame's output";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(reason + "; CI must install it (.ci/run)");
            }
            System.out.println("SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        return new GoPprof(go.get());
    }

    private static Optional<Path> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "go");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        Path debian = Path.of("/usr/lib/go/bin/go");
        return Files.isExecutable(debian) ? Optional.of(debian) : Optional.empty();
    }

    /** Runs {@code go tool pprof ARGS PROFILE} and returns its stdout; fails on a non-zero exit. */
    String run(Path workDir, Path profile, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(go.toString(), "tool", "pprof"));
        cmd.addAll(List.of(args));
        cmd.add(profile.toString());
        Path out = Files.createTempFile(workDir, "pprof", ".out");
        Path err = Files.createTempFile(workDir, "pprof", ".err");
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("PPROF_TMPDIR", workDir.toString());
        builder.environment().put("HOME", workDir.toString());
        builder.environment().put("GOCACHE", workDir.resolve("gocache").toString());
        Process p = builder.start();
        if (!p.waitFor(AgentRun.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError("go tool pprof failed (exit " + p.exitValue() + "): " + cmd + "\n" + stderr);
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** One row of {@code -top}: self (flat) and total (cum) per function. */
    record Row(long self, long total) {
    }

    /** Every row of {@code go tool pprof -top}, by function name. */
    Map<String, Row> top(Path workDir, Path profile) throws IOException, InterruptedException {
        String text = run(workDir, profile, "-top", "-nodecount=1000000", "-nodefraction=0", "-edgefraction=0");
        Map<String, Row> rows = new HashMap<>();
        boolean inTable = false;
        for (String line : text.split("\n")) {
            if (line.strip().startsWith("flat")) {
                inTable = true;
                continue;
            }
            Matcher m = TOP_ROW.matcher(line);
            if (inTable && m.matches()) {
                rows.put(m.group(3), new Row(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
            }
        }
        if (rows.isEmpty()) {
            throw new AssertionError("no rows in go tool pprof -top:\n" + text);
        }
        return rows;
    }

    /**
     * The samples of {@code go tool pprof -raw} as collapsed stacks (root first, {@code ;}
     * between frames, {@code :LINE} after a frame with a line number), summed per stack.
     */
    Map<String, Long> rawStacks(Path workDir, Path profile) throws IOException, InterruptedException {
        String text = run(workDir, profile, "-raw");
        Map<String, String> locations = new HashMap<>();
        List<String[]> samples = new ArrayList<>();
        String section = "";
        for (String line : text.split("\n")) {
            if (line.equals("Samples:") || line.equals("Locations") || line.equals("Mappings")) {
                section = line;
                continue;
            }
            Matcher sample = RAW_SAMPLE.matcher(line);
            Matcher location = RAW_LOCATION.matcher(line);
            if (section.equals("Samples:") && sample.matches()) {
                samples.add(new String[] {sample.group(1), sample.group(2).strip()});
            } else if (section.equals("Locations") && location.matches()) {
                String line3 = location.group(3);
                locations.put(location.group(1), location.group(2) + (line3.equals("0") ? "" : ":" + line3));
            }
        }
        Map<String, Long> stacks = new HashMap<>();
        for (String[] s : samples) {
            String[] ids = s[1].split(" ");
            StringBuilder stack = new StringBuilder();
            for (int i = ids.length - 1; i >= 0; i--) {
                String frame = locations.get(ids[i]);
                if (frame == null) {
                    throw new AssertionError("sample refers to unknown location " + ids[i] + ":\n" + text);
                }
                stack.append(frame).append(i > 0 ? ";" : "");
            }
            stacks.merge(stack.toString(), Long.parseLong(s[0]), Long::sum);
        }
        if (stacks.isEmpty()) {
            throw new AssertionError("no samples in go tool pprof -raw:\n" + text);
        }
        return stacks;
    }
}
