// Times each phase of jflame's SVG rendering in one JVM: parse, tree, render (to a file).
// Run by render_bench.py as a single-file program on jflame.jar's class path:
//   java -Xmx1g -cp java/target/jflame.jar scripts/bench/render_phases.java IN.collapsed OUT.svg
// Prints one line of key=value pairs; the driver reads it. Not a test: nothing is asserted.
import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.FlameGraphOptions;
import dev.jflame.flamegraph.FrameTree;
import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.SvgRenderer;
import java.io.BufferedWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

class RenderPhases {
    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        long start = System.nanoTime();
        Profile profile = new CollapsedParser().parse(in);
        long parsed = System.nanoTime();
        FlameGraphOptions options = FlameGraphOptions.forProfile(profile);
        FrameTree tree = FrameTree.of(profile, options);
        long built = System.nanoTime();
        try (Writer writer = new BufferedWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            new SvgRenderer().render(tree, options, writer);
        }
        long rendered = System.nanoTime();
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("stacks=%d parse_ms=%d tree_ms=%d render_ms=%d total_ms=%d peak_heap_mb=%d svg_bytes=%d%n",
                profile.stacks().size(), (parsed - start) / 1_000_000, (built - parsed) / 1_000_000,
                (rendered - built) / 1_000_000, (rendered - start) / 1_000_000, peakHeap >> 20, Files.size(out));
    }
}
