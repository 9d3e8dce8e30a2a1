package dev.jflame.jvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's answer to one attach request, read from the status file it writes atomically
 * ({@code key: value} lines; Agent_OnAttach itself can only return an int): whether the
 * request succeeded, a one-line message, and facts such as {@code state}, {@code samples},
 * {@code method_ids_ms}.
 */
public record AgentStatus(boolean ok, String message, Map<String, String> facts) {
    public AgentStatus {
        // In the agent's order, so that `attach PID status` prints its facts the same way every time.
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    public static AgentStatus parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(": ");
            if (line.startsWith("#") || colon < 0) {
                continue;
            }
            values.put(line.substring(0, colon), line.substring(colon + 2));
        }
        boolean ok = "ok".equals(values.remove("result"));
        String message = values.remove("message");
        return new AgentStatus(ok, message == null ? "" : message, values);
    }

    public static AgentStatus read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public String fact(String key) {
        return facts.getOrDefault(key, "");
    }

    public boolean running() {
        return "running".equals(fact("state"));
    }
}
