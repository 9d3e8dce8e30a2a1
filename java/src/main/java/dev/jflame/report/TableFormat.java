package dev.jflame.report;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Writes the top-methods table as aligned text, CSV or JSON. */
public enum TableFormat {
    text {
        @Override
        public void write(MethodTable table, List<MethodStats> rows, String units, boolean withThread, PrintWriter out) {
            int width = Math.max(9, Long.toString(table.totalSamples()).length());
            // Percentages take 7 columns, so that 100.00% lines up with 9.50%.
            String number = "%" + width + "d";
            out.printf(Locale.ROOT, "%" + width + "s  %7s  %" + width + "s  %7s  %-6s  %s%n",
                    "SELF", "SELF%", "TOTAL", "TOTAL%", "KIND", withThread ? "THREAD  METHOD" : "METHOD");
            for (MethodStats r : rows) {
                out.printf(Locale.ROOT, number + "  %6.2f%%  " + number + "  %6.2f%%  %-6s  %s%n",
                        r.self(), table.percent(r.self()), r.total(), table.percent(r.total()), r.kind(),
                        withThread ? r.thread() + "  " + r.method() : r.method());
            }
            String shares = table.threadKindShares();
            out.printf(Locale.ROOT, "%d %s in all%s%n", table.totalSamples(), units, shares.isEmpty() ? "" : "; " + shares);
        }
    },
    csv {
        @Override
        public void write(MethodTable table, List<MethodStats> rows, String units, boolean withThread, PrintWriter out) {
            out.print(withThread ? "thread," : "");
            out.println("method,self,self_percent,total,total_percent,kind");
            for (MethodStats r : rows) {
                if (withThread) {
                    out.print(quote(r.thread()) + ",");
                }
                out.printf(Locale.ROOT, "%s,%d,%.4f,%d,%.4f,%s%n", quote(r.method()), r.self(),
                        table.percent(r.self()), r.total(), table.percent(r.total()), r.kind());
            }
        }

        private String quote(String field) {
            return "\"" + field.replace("\"", "\"\"") + "\"";
        }
    },
    json {
        @Override
        public void write(MethodTable table, List<MethodStats> rows, String units, boolean withThread, PrintWriter out) {
            out.printf(Locale.ROOT, "{\"units\":%s,\"total\":%d,\"gc\":%d,\"jit\":%d,\"methods\":[", string(units),
                    table.totalSamples(), table.gcSamples(), table.jitSamples());
            String separator = "";
            for (MethodStats r : rows) {
                out.print(separator);
                separator = ",";
                out.print("{");
                if (withThread) {
                    out.print("\"thread\":" + string(r.thread()) + ",");
                }
                out.printf(Locale.ROOT,
                        "\"method\":%s,\"kind\":\"%s\",\"self\":%d,\"self_percent\":%.4f,\"total\":%d,\"total_percent\":%.4f}",
                        string(r.method()), r.kind(), r.self(), table.percent(r.self()), r.total(),
                        table.percent(r.total()));
            }
            out.println("]}");
        }

        private String string(String s) {
            return JsonString.of(s);
        }
    };

    public abstract void write(MethodTable table, List<MethodStats> rows, String units, boolean withThread,
            PrintWriter out);
}
