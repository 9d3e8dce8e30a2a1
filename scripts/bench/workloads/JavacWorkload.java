package dev.jflame.workload;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A real program nobody here wrote: javac, through {@code javax.tools.ToolProvider}, compiling
 * a source tree (every {@code .java} file but {@code module-info.java}) COUNT times in one JVM.
 * Prints the wall time of the compile loop, which is the throughput measure.
 *
 * <p>Usage: {@code JavacWorkload SOURCE_DIR OUT_DIR COUNT}.
 */
public final class JavacWorkload {
    private JavacWorkload() {
    }

    public static void main(String[] args) throws IOException {
        Path sources = Path.of(args[0]);
        String out = args[1];
        int count = Integer.parseInt(args[2]);
        List<String> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(sources)) {
            walk.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java"))
                    .forEach(p -> files.add(p.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            List<String> cmd = new ArrayList<>(List.of("-nowarn", "-proc:none", "-encoding", "UTF-8",
                    "-d", out + File.separator + i));
            cmd.addAll(files);
            // diagnostics (deprecation notes) are not what is measured: discarded
            int rc = javac.run(null, OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
                    cmd.toArray(new String[0]));
            if (rc != 0) {
                throw new IllegalStateException("javac failed with " + rc + " on " + sources);
            }
        }
        System.out.println("wall_ns " + (System.nanoTime() - start) + " files " + files.size() + " compiles " + count);
    }
}
