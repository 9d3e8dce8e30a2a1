package dev.jflame.cli;

import dev.jflame.jvm.AgentOptions;
import dev.jflame.jvm.AttachedJvm;
import dev.jflame.jvm.Event;
import dev.jflame.jvm.Interval;
import dev.jflame.jvm.LiveProfile;
import dev.jflame.jvm.TargetProcess;
import dev.jflame.report.LiveTable;
import dev.jflame.report.MethodTable;
import dev.jflame.report.TableFormat;
import dev.jflame.report.TopScreen;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * {@code jflame top PID}, the live half of {@link TopCommand}: attaches, reads the running profile
 * (or starts one, see {@link LiveProfile}) window by window, and shows it full-screen through
 * JLine when stdin and stdout are a terminal, or as a plain table per window otherwise. Every way
 * out (q, Ctrl-C, SIGTERM, --duration, an error) leaves the JVM as {@link LiveProfile#close} does.
 */
final class LiveTop {
    /** What the command line asked for. */
    record Settings(long pid, Event event, Interval interval, Interval refresh, Interval duration, boolean once,
                    MethodTable.Order sort, boolean byThread, int limit, TableFormat format) {
    }

    private static final long POLL_MS = 100;

    private final Settings settings;
    private final PrintWriter out;
    private final PrintWriter err;
    private final LiveTable table = new LiveTable();
    private MethodTable.Order sort;
    private boolean byThread;
    private boolean paused;
    private Pattern filter;
    private String filterText = "";
    private String message = "";
    private StringBuilder editing;  // the filter being typed after '/', or null
    private volatile boolean quit;
    private volatile boolean resized;
    private TopScreen.Status status;

    LiveTop(Settings settings, PrintWriter out, PrintWriter err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
        this.sort = settings.sort();
        this.byThread = settings.byThread();
    }

    int run() throws IOException, InterruptedException {
        boolean fullScreen = !settings.once() && StandardOutput.isTerminal(0) && StandardOutput.isTerminal(1);
        try (ShutdownHold hold = new ShutdownHold(); AttachedJvm jvm = AttachedJvm.attach(settings.pid())) {
            Path atExit = jvm.files().inTarget(jvm.files().tmpFile("jflame-" + settings.pid() + ".collapsed"));
            // Thread roots always: the t key groups by them; without t they are merged away.
            AgentOptions options = new AgentOptions(settings.event(), settings.interval(),
                    AgentOptions.DEFAULT_DEPTH, true, false, atExit);
            try (LiveProfile live = LiveProfile.open(jvm, options)) {
                if (byThread && !live.sampling().contains("threads")) {
                    throw new UserError("JVM " + settings.pid() + " is profiled without thread frames ("
                            + live.sampling() + "): --threads cannot group by thread");
                }
                // The first answer is the profile so far: the totals start from it.
                update(jvm, live, live.next());
                return fullScreen ? fullScreen(jvm, live, hold) : plain(jvm, live, hold);
            }
        }
    }

    /** A plain table per window (stdout redirected, CI, --once). */
    private int plain(AttachedJvm jvm, LiveProfile live, ShutdownHold hold) throws IOException, InterruptedException {
        long end = deadline();
        while (true) {
            long next = System.nanoTime() + settings.refresh().nanos();
            if (hold.awaitSignal(Math.min(next, end) - System.nanoTime()) || !TargetProcess.isAlive(settings.pid())) {
                return ended(jvm);
            }
            boolean last = settings.once() || System.nanoTime() >= end;
            LiveProfile.Window window = live.next();
            update(jvm, live, window);
            printPlain(window.stacks());
            if (last) {
                return ExitCodes.OK;
            }
        }
    }

    private void printPlain(dev.jflame.flamegraph.Profile window) {
        if (settings.format() == TableFormat.text) {
            TopScreen.header(status, view(), table, false).forEach(out::println);
        }
        // The window's own table, as `jflame top FILE` would print it for these stacks.
        MethodTable methods = MethodTable.of(window, false, byThread);
        settings.format().write(methods, methods.top(sort, settings.limit()), "samples", byThread, out);
        out.println();
        out.flush();
    }

    /** The full-screen view: redrawn every window and on every key or resize. */
    private int fullScreen(AttachedJvm jvm, LiveProfile live, ShutdownHold hold) throws IOException,
            InterruptedException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            Attributes saved = terminal.enterRawMode();
            terminal.handle(Terminal.Signal.INT, signal -> quit = true);
            terminal.handle(Terminal.Signal.WINCH, signal -> resized = true);
            terminal.puts(Capability.enter_ca_mode);
            terminal.puts(Capability.keypad_xmit);
            terminal.puts(Capability.cursor_invisible);
            terminal.flush();
            try {
                Display display = new Display(terminal, true);
                Size size = terminal.getSize();
                display.resize(size.getRows(), size.getColumns());
                NonBlockingReader keys = terminal.reader();
                long end = deadline();
                long next = System.nanoTime() + settings.refresh().nanos();
                draw(display, terminal);
                while (!quit) {
                    if (hold.awaitSignal(0) || System.nanoTime() >= end) {
                        break;
                    }
                    if (System.nanoTime() >= next) {
                        next += settings.refresh().nanos();
                        if (!TargetProcess.isAlive(settings.pid())) {
                            quit = true;
                            break;
                        }
                        if (!paused) {
                            update(jvm, live, live.next());
                        }
                        draw(display, terminal);
                    }
                    long waitMs = Math.max(1, Math.min(POLL_MS, (next - System.nanoTime()) / 1_000_000));
                    int c = keys.read(waitMs);
                    if (c >= 0) {
                        key(c);
                        draw(display, terminal);
                    } else if (c == NonBlockingReader.EOF) {
                        break;
                    }
                    if (resized) {
                        resized = false;
                        size = terminal.getSize();
                        display.clear();
                        display.resize(size.getRows(), size.getColumns());
                        draw(display, terminal);
                    }
                }
            } finally {
                terminal.puts(Capability.cursor_visible);
                terminal.puts(Capability.keypad_local);
                terminal.puts(Capability.exit_ca_mode);
                terminal.flush();
                terminal.setAttributes(saved);
            }
        }
        return TargetProcess.isAlive(settings.pid()) ? ExitCodes.OK : ended(jvm);
    }

    private void key(int c) {
        message = "";
        if (editing != null) {
            if (c == '\r' || c == '\n') {
                applyFilter(editing.toString());
                editing = null;
            } else if (c == 27 || c == 3) {
                editing = null;
            } else if (c == 127 || c == 8) {
                editing.setLength(Math.max(0, editing.length() - 1));
            } else if (c >= 32) {
                editing.append((char) c);
            }
            return;
        }
        switch (c) {
            case 'q', 'Q', 3 -> quit = true;
            case 's' -> sort = MethodTable.Order.values()[(sort.ordinal() + 1) % MethodTable.Order.values().length];
            case 't' -> byThread = !byThread;
            case 'p' -> paused = !paused;
            case 'r' -> table.reset();
            case '/' -> editing = new StringBuilder();
            default -> {
                // Other keys (arrows arrive as escape sequences) do nothing.
            }
        }
    }

    private void applyFilter(String text) {
        try {
            filter = text.isEmpty() ? null : Pattern.compile(text);
            filterText = text;
        } catch (PatternSyntaxException e) {
            message = "not a regular expression: " + e.getDescription();
        }
    }

    private void draw(Display display, Terminal terminal) {
        Size size = terminal.getSize();
        int width = Math.max(size.getColumns(), 1);
        int height = Math.max(size.getRows(), 1);
        List<AttributedString> lines = new ArrayList<>();
        for (String line : TopScreen.header(status, view(), table, true)) {
            lines.add(new AttributedString(TopScreen.fit(line, width)));
        }
        boolean threadsShown = byThread && threadFrames;
        lines.add(new AttributedString(TopScreen.fit(TopScreen.columns(threadsShown), width),
                AttributedStyle.INVERSE));
        int room = height - lines.size() - 1;
        List<LiveTable.Row> rows = table.rows(sort, threadsShown, filter);
        for (int i = 0; i < rows.size() && i < room; i++) {
            lines.add(new AttributedString(TopScreen.fit(TopScreen.row(rows.get(i), table), width)));
        }
        while (lines.size() < height - 1) {
            lines.add(AttributedString.EMPTY);
        }
        String bottom = editing != null ? "/" + editing : !message.isEmpty() ? message
                : rows.isEmpty() ? "no samples yet (is the JVM using the CPU?)" : "";
        lines.add(new AttributedString(TopScreen.fit(bottom, width), AttributedStyle.BOLD));
        display.update(lines, -1);
        terminal.flush();
    }

    private boolean threadFrames = true;

    private void update(AttachedJvm jvm, LiveProfile live, LiveProfile.Window window) {
        threadFrames = "yes".equals(window.facts().fact("thread_frames"));
        if (byThread && !threadFrames) {
            byThread = false;
            message = "this profile has no thread frames (started without --threads): cannot group by thread";
        }
        table.add(window.stacks());
        status = new TopScreen.Status(settings.pid(), jvm.javaVersion(), window.facts().fact("event"),
                window.number("interval_ns"), window.number("threads"), window.number("elapsed_ms"),
                window.number("window_ms"), window.number("window_samples"), window.number("samples"),
                window.number("handler_ns"), window.number("handler_calls"), window.number("cpu_ns"),
                window.number("agent_threads_ns"), live.ours());
    }

    private TopScreen.View view() {
        return new TopScreen.View(sort, byThread, filterText, paused, message);
    }

    private long deadline() {
        return settings.duration() == null ? Long.MAX_VALUE : System.nanoTime() + settings.duration().nanos();
    }

    private int ended(AttachedJvm jvm) {
        if (!TargetProcess.isAlive(settings.pid())) {
            err.println("jflame: JVM " + settings.pid() + " exited");
            err.flush();
        }
        return ExitCodes.OK;
    }
}
