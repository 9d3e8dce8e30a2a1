package dev.jflame.cli;

import dev.jflame.flamegraph.Profile;
import dev.jflame.interop.JfrEvent;
import dev.jflame.interop.JfrRecording;
import dev.jflame.interop.JfrSelection;
import dev.jflame.jvm.AgentOptions;
import dev.jflame.jvm.Event;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The profiles one recording writes, one per kind (a time event, alloc, lock): where the
 * agent puts each and where each graph goes. A single kind keeps the given names; with
 * several the agent's file and the graph of alloc and lock get the kind before the
 * extension ({@code flame.svg} -> {@code flame.alloc.svg}), the time event's graph keeps
 * the name given.
 */
record ProfileSet(List<String> kinds, Path agentFile) {
    ProfileSet {
        kinds = List.copyOf(kinds);
    }

    static ProfileSet of(AgentOptions options, Path agentFile) {
        return new ProfileSet(options.kinds(), agentFile);
    }

    /** The kind of a JFR recording: one file, whatever events it holds. */
    static final String JFR = "jfr";

    /**
     * The profiles a recording for {@code output} gives: one JFR file when the output is JFR
     * (the agent records every kind into it), else one profile per kind.
     */
    static ProfileSet forOutput(AgentOptions options, Path agentFile, ProfileOutput output) {
        return output.format() == OutputFormat.JFR ? new ProfileSet(List.of(JFR), agentFile) : of(options, agentFile);
    }

    /** The agent's file name for {@code output}: the agent writes JFR when the name ends in .jfr. */
    static String agentFileName(String stem, ProfileOutput output) {
        return stem + (output.format() == OutputFormat.JFR ? ".jfr" : ".collapsed");
    }

    /** From an attach status's {@code kinds} fact ({@code cpu+alloc}); the time event alone if absent. */
    static ProfileSet fromStatus(String kinds, Path agentFile) {
        return new ProfileSet(kinds.isBlank() ? List.of(Event.cpu.name()) : List.of(kinds.split("\\+")), agentFile);
    }

    boolean several() {
        return kinds.size() > 1;
    }

    Path agentFileOf(String kind) {
        return several() ? AgentOptions.kindFile(agentFile, kind) : agentFile;
    }

    ProfileOutput outputOf(String kind, ProfileOutput output) {
        boolean timeKind = !kind.equals(Event.alloc.name()) && !kind.equals(Event.lock.name());
        if (!several() || timeKind || output.file() == null) {
            return output;
        }
        return new ProfileOutput(AgentOptions.kindFile(output.file(), kind), output.explicitFormat(), output.graph());
    }

    /** Checked before recording: several graphs cannot share stdout. */
    void checkOutput(ProfileOutput output) {
        if (several() && output.file() == null) {
            throw new UsageError("recording " + String.join(", ", kinds) + " gives one graph per kind, and only one "
                    + "can go to stdout: give -o FILE (e.g. -o flame.svg writes flame.svg, flame.alloc.svg, ...)");
        }
        for (String kind : kinds) {
            outputOf(kind, output).checkWritable();
        }
    }

    /**
     * Draws every kind the agent wrote; says on stderr which files were written. Returns
     * false if none was there to draw.
     */
    boolean render(ProfileOutput output, PrintWriter stdout, PrintWriter stderr, String emptyHint) throws IOException {
        List<Path> written = new ArrayList<>();
        boolean any = false;
        for (String kind : kinds) {
            Path file = agentFileOf(kind);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            any = true;
            ProfileOutput target = outputOf(kind, output);
            if (JfrRecording.isRecording(file)) {
                writeRecording(file, target, stdout);
                if (target.file() != null) {
                    written.add(target.file());
                }
                continue;
            }
            if (target.format() == OutputFormat.JFR) {
                throw new UserError("the profile was recorded as collapsed stacks, which cannot become a JFR recording; "
                        + "record one with -o NAME.jfr from the start");
            }
            Profile profile = target.read(file);
            profile.meta("checkpoint").filter(c -> c.contains("this file is checkpoint")).ifPresent(c ->
                    stderr.println("jflame: the JVM ended without writing its " + kind + " profile; drawing its "
                            + "last checkpoint (" + c + ")"));
            if (profile.stacks().isEmpty()) {
                stderr.println("jflame: the " + kind + " profile holds no samples" + (kind.equals("alloc")
                        ? "" : kind.equals("lock") ? " (no synchronized block was contended above the threshold)"
                        : " " + emptyHint));
            }
            try (Progress progress = Progress.onStderr(stderr)) {
                long samples = profile.stacks().stream().mapToLong(profile::wholeCount).sum();
                if (samples > 1_000_000) {
                    progress.show(String.format(Locale.ROOT, "drawing %,d samples of %s", samples, kind));
                }
                target.write(profile, stdout);
            }
            if (target.file() != null) {
                written.add(target.file());
            }
        }
        OutputDestination.reportWritten(stderr, written);
        return any;
    }

    /** A recording the agent wrote: copied as it is for JFR output, else drawn from its samples. */
    private static void writeRecording(Path file, ProfileOutput target, PrintWriter stdout) throws IOException {
        if (target.format() == OutputFormat.JFR) {
            target.writeBinary(stdout, out -> Files.copy(file, out));
            return;
        }
        JfrRecording recording = JfrRecording.of(file);
        Profile profile = recording.toProfile(new JfrSelection(JfrEvent.cpu, false, null, null), target.parser());
        if (profile.isEmpty()) {
            profile = recording.toProfile(new JfrSelection(JfrEvent.wall, false, null, null), target.parser());
        }
        target.write(profile, stdout);
    }

    void deleteQuietly() {
        for (String kind : kinds) {
            try {
                Files.deleteIfExists(agentFileOf(kind));
            } catch (IOException e) {
                // A leftover temp file is harmless; failing the run over it is not.
            }
        }
    }
}
