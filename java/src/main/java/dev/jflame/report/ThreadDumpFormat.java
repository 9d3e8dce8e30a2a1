package dev.jflame.report;

import dev.jflame.jvm.ThreadDump;
import dev.jflame.jvm.ThreadDump.ThreadStack;
import java.io.PrintWriter;

/** Writes a {@link ThreadDump} as text (jstack's shape) or JSON (for tools). */
public enum ThreadDumpFormat {
    text {
        @Override
        public void write(long pid, ThreadDump dump, PrintWriter out) {
            for (ThreadStack t : dump.threads()) {
                StringBuilder head = new StringBuilder("\"").append(t.name()).append('"');
                if (t.javaId() >= 0) {
                    head.append(" #").append(t.javaId());
                }
                head.append(" tid=").append(t.tid());
                if (!t.state().isEmpty()) {
                    head.append(' ').append(t.state());
                }
                if (!t.namedByJava()) {
                    head.append(" (kernel name)");
                }
                out.println(head);
                for (String frame : t.frames()) {
                    out.println("    at " + frame);
                }
                if (t.frames().isEmpty()) {
                    out.println("    (" + t.answer().describe() + ")");
                }
                out.println();
            }
            long silent = dump.threads().stream().filter(t -> t.answer() == ThreadDump.Answer.no_answer
                    || t.answer() == ThreadDump.Answer.signal_blocked).count();
            out.println(dump.threads().size() + " threads" + (silent == 0 ? "" : ", " + silent + " did not answer")
                    + "; taken in " + dump.facts().fact("signal_ms") + " ms without a safepoint");
        }
    },
    json {
        @Override
        public void write(long pid, ThreadDump dump, PrintWriter out) {
            out.print("{\"pid\":" + pid + ",\"threads\":[");
            String separator = "";
            for (ThreadStack t : dump.threads()) {
                out.print(separator);
                separator = ",";
                out.print("{\"name\":" + JsonString.of(t.name()) + ",\"named_by\":\"" + (t.namedByJava() ? "java" : "os")
                        + "\",\"tid\":" + t.tid());
                if (t.javaId() >= 0) {
                    out.print(",\"java_id\":" + t.javaId());
                }
                if (!t.state().isEmpty()) {
                    out.print(",\"state\":\"" + t.state() + "\"");
                }
                out.print(",\"answer\":\"" + t.answer() + "\",\"frames\":[");
                String comma = "";
                for (String frame : t.frames()) {
                    out.print(comma + "{\"name\":" + JsonString.of(frame) + ",\"kind\":\"" + MethodStats.kindOf(frame)
                            + "\"}");
                    comma = ",";
                }
                out.print("]}");
            }
            out.println("]}");
        }
    };

    public abstract void write(long pid, ThreadDump dump, PrintWriter out);
}
