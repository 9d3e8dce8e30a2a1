// Times each phase of jflame's SVG rendering in one JVM: parse into the tree, render (to a file).
// Run by render_bench.py as a single-file program on jflame.jar's class path:
//   java -Xmx1g -cp java/target/jflame.jar scripts/bench/render_phases.java IN.collapsed OUT.svg
// Prints one line of key=value pairs; the driver reads it. Not a test: nothing is asserted.
import dev.jflame.flamegraph.CollapsedParser;
import dev.jflame.flamegraph.FlameGraphOptions;
import dev.jflame.flamegraph.FrameTree;
import dev.jflame.flamegraph.TreeProfile;
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
        TreeProfile profile = new CollapsedParser().parseTree(in, FlameGraphOptions.defaults());
        long built = System.nanoTime();
        FlameGraphOptions options = FlameGraphOptions.forMetadata(profile.metadata());
        FrameTree tree = profile.tree();
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
        System.out.printf("stacks=%d tree_ms=%d render_ms=%d total_ms=%d peak_heap_mb=%d svg_bytes=%d%n",
                profile.stackLines(), (built - start) / 1_000_000,
                (rendered - built) / 1_000_000, (rendered - start) / 1_000_000, peakHeap >> 20, Files.size(out));
    }
}
