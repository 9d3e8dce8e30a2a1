package dev.jflame.dockertest;

import java.util.Arrays;

/**
 * The app scripts/docker-test.sh profiles inside the jflame image. It spends about two
 * seconds of CPU in one method whose name the flame graph must show, prints a line whose
 * text must reach jflame's stderr and never its SVG, and exits with a code of its own
 * that `docker run` must pass back.
 */
public final class DockerTestApp {
    static final int EXIT_CODE = 7;

    private DockerTestApp() {
    }

    /** The hot method: checked for by name in the graph. */
    static long burnCpuInDockerTestApp(long nanos) {
        long deadline = System.nanoTime() + nanos;
        long x = 0x9E3779B97F4A7C15L;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 100_000; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
        }
        return x;
    }

    /** {@code --until-stopped}: burn until a signal ends the JVM (tests `docker stop`). */
    public static void main(String[] args) {
        boolean untilStopped = args.length > 0 && args[0].equals("--until-stopped");
        long result = burnCpuInDockerTestApp(untilStopped ? Long.MAX_VALUE / 2 : 2_000_000_000L);
        System.out.println("docker-test-app stdout line: args=" + Arrays.toString(args) + " result=" + (result & 0xff));
        System.exit(EXIT_CODE);
    }
}
