package dev.jflame.report;

import dev.jflame.flamegraph.FrameLine;
import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Self and total samples per method, computed from collapsed stacks. */
public final class MethodTable {
    /** The root frame the agent adds per thread with the {@code threads} option. */
    private static final Pattern THREAD_ROOT = Pattern.compile("\\[.* tid=\\d+\\]");
    private static final String TRUNCATED = "[truncated]";
    private static final String ALL_THREADS = "";

    /** How the table is sorted. */
    public enum Order {
        self(Comparator.comparingLong(MethodStats::self).reversed().thenComparing(MethodStats::method)),
        total(Comparator.comparingLong(MethodStats::total).reversed().thenComparing(MethodStats::method)),
        name(Comparator.comparing(MethodStats::method).thenComparing(MethodStats::thread));

        private final Comparator<MethodStats> comparator;

        Order(Comparator<MethodStats> comparator) {
            this.comparator = comparator;
        }
    }

    /**
     * The JVM's garbage collector threads (G1, Parallel, ZGC, Shenandoah), by the thread frame
     * at the root of their stacks ({@code [GC Thread#0]}, {@code [G1 Conc#0 tid=12]}).
     */
    private static final Pattern GC_THREAD = Pattern.compile(
            "\\[(GC Thread#|G1 |ZWorker|ZDirector|Z[A-Z][a-z]+ |Shenandoah|Parallel GC|VM Periodic Task).*\\]");
    /** The VM thread's collections: a pause is the VM thread running a GC operation. */
    private static final Pattern VM_THREAD = Pattern.compile("\\[VM Thread( tid=\\d+)?\\]");
    private static final Pattern GC_OPERATION = Pattern.compile(
            "VM_(G1|GC|Collect|Parallel|ZOperation|Shenandoah).*|.*CollectedHeap::do_collection.*");
    /** JIT compiler threads: {@code [C2 CompilerThread0]}, {@code [C1 CompilerThre]} (15-char comm). */
    private static final Pattern JIT_THREAD = Pattern.compile("\\[(C[12] Compiler|JVMCI|Sweeper).*\\]");

    private final long totalSamples;
    private final List<MethodStats> rows;
    private long gcSamples;
    private long jitSamples;

    private MethodTable(long totalSamples, List<MethodStats> rows) {
        this.totalSamples = totalSamples;
        this.rows = rows;
    }

    /** Samples of the GC's threads (and of the VM thread inside a collection). */
    public long gcSamples() {
        return gcSamples;
    }

    /** Samples of the JIT compiler threads. */
    public long jitSamples() {
        return jitSamples;
    }

    /** "GC 12.30%, JIT compilation 2.10% (by thread)", or empty where neither thread kind was sampled. */
    public String threadKindShares() {
        if (gcSamples == 0 && jitSamples == 0) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, "GC %.2f%%, JIT compilation %.2f%% (by thread)",
                percent(gcSamples), percent(jitSamples));
    }

    private static boolean isGc(List<String> frames) {
        String root = frames.get(0);
        if (GC_THREAD.matcher(root).matches()) {
            return true;
        }
        return VM_THREAD.matcher(root).matches()
                && frames.stream().anyMatch(f -> GC_OPERATION.matcher(FrameLine.of(f).function()).matches());
    }

    /**
     * @param byLine   keep {@code :LINE} suffixes apart (otherwise the lines of a method merge)
     * @param byThread a row per thread and method; needs a profile recorded with thread frames
     */
    public static MethodTable of(Profile profile, boolean byLine, boolean byThread) {
        Map<String, Map<String, long[]>> perThread = new HashMap<>();
        long gc = 0;
        long jit = 0;
        Set<String> seenInStack = new HashSet<>();
        boolean sawThreadFrame = false;
        for (Stack stack : profile.stacks()) {
            List<String> frames = stack.frames();
            if (!frames.isEmpty() && isGc(frames)) {
                gc += stack.count();
            } else if (!frames.isEmpty() && JIT_THREAD.matcher(frames.get(0)).matches()) {
                jit += stack.count();
            }
            int first = 0;
            String thread = ALL_THREADS;
            if (!frames.isEmpty() && THREAD_ROOT.matcher(frames.get(0)).matches()) {
                sawThreadFrame = true;
                first = 1;
                if (byThread) {
                    thread = frames.get(0);
                }
            }
            Map<String, long[]> methods = perThread.computeIfAbsent(thread, t -> new HashMap<>());
            seenInStack.clear();
            for (int i = first; i < frames.size(); i++) {
                String frame = frames.get(i);
                if (frame.equals(TRUNCATED)) {
                    continue;
                }
                String method = byLine ? frame : FrameLine.of(frame).function();
                long[] counts = methods.computeIfAbsent(method, m -> new long[2]);
                if (i == frames.size() - 1) {
                    counts[0] += stack.count();
                }
                if (seenInStack.add(method)) {
                    counts[1] += stack.count();
                }
            }
        }
        if (byThread && !sawThreadFrame && !profile.stacks().isEmpty()) {
            throw new IllegalArgumentException("the profile has no thread frames: record it with --threads");
        }
        List<MethodStats> rows = new ArrayList<>();
        perThread.forEach((thread, methods) -> methods.forEach(
                (method, c) -> rows.add(new MethodStats(thread, method, c[0], c[1]))));
        MethodTable table = new MethodTable(profile.totalSamples(), rows);
        table.gcSamples = gc;
        table.jitSamples = jit;
        return table;
    }

    public long totalSamples() {
        return totalSamples;
    }

    /** The first {@code limit} rows in the given order. */
    public List<MethodStats> top(Order order, int limit) {
        return rows.stream().sorted(order.comparator).limit(limit).toList();
    }

    public double percent(long samples) {
        return totalSamples == 0 ? 0 : 100.0 * samples / totalSamples;
    }
}
