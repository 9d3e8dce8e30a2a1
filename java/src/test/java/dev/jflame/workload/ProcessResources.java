package dev.jflame.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What the running JVM holds, read from /proc/self: open fds, perf events, POSIX timers, memory. */
final class ProcessResources {
    private ProcessResources() {
    }

    static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** The fds that are perf events: what event=cpu opens per thread. */
    static long perfEventFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().contains("perf_event");
                } catch (IOException gone) {
                    return false;  // closed while listed (the listing's own fd, for one)
                }
            }).count();
        }
    }

    /** POSIX timers of the process (timer_create): what event=ctimer arms per thread. */
    static long posixTimers() throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/timers"))) {
            return lines.filter(l -> l.startsWith("ID:")).count();
        }
    }

    /** A line such as {@code VmRSS:   41236 kB} of /proc/self/status, as kB. */
    static long statusKb(String key) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith(key + ":")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(-1L);
        }
    }

    /** One line for the test to parse: {@code LABEL fds=N perf=N timers=N}. */
    static String summary(String label) throws IOException {
        return label + " fds=" + openFds() + " perf=" + perfEventFds() + " timers=" + posixTimers();
    }
}
