package dev.jflame.interop;

import dev.jflame.flamegraph.FrameLine;
import dev.jflame.flamegraph.NativeFrameName;
import dev.jflame.flamegraph.Profile;
import dev.jflame.flamegraph.Stack;
import java.io.ByteArrayOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a profile as pprof's {@code profile.proto}, gzip-compressed, the format Go's pprof tool
 * and continuous-profiling back ends read. Every stack becomes one sample whose locations are
 * its frames, leaf first; a frame's name is its function's name, except that a {@code :LINE}
 * suffix (what the agent's {@code lines} option writes) becomes the location's line number,
 * so pprof merges a method's lines by default and splits them with {@code -lines}, like
 * {@code jflame top} and {@code jflame top --lines}. A native frame ({@code deflate [libz.so.1]},
 * see {@link NativeFrameName}) keeps its whole name as the function's, so that names read the
 * same in pprof, {@code jflame top} and the flame graph, and its location lies in a mapping
 * named for the library, which is how pprof groups code by binary ({@code -show_from},
 * {@code granularity=filefunctions}).
 *
 * <p>One value per sample: its count, typed by the profile's {@code # event:} and
 * {@code # units:} header (samples are a {@code count}, bytes {@code bytes}, ns
 * {@code nanoseconds}). Decimal counts are rounded to whole numbers, since pprof values are
 * integers; stacks that round to zero are left out.
 */
public final class PprofWriter {
    // Field numbers from profile.proto (github.com/google/pprof/proto/profile.proto).
    private static final int PROFILE_SAMPLE_TYPE = 1;
    private static final int PROFILE_SAMPLE = 2;
    private static final int PROFILE_MAPPING = 3;
    private static final int PROFILE_LOCATION = 4;
    private static final int PROFILE_FUNCTION = 5;
    private static final int PROFILE_STRING_TABLE = 6;
    private static final int PROFILE_DURATION_NANOS = 10;
    private static final int PROFILE_PERIOD_TYPE = 11;
    private static final int PROFILE_PERIOD = 12;
    private static final int PROFILE_COMMENT = 13;
    private static final int VALUE_TYPE_TYPE = 1;
    private static final int VALUE_TYPE_UNIT = 2;
    private static final int SAMPLE_LOCATION_ID = 1;
    private static final int SAMPLE_VALUE = 2;
    private static final int MAPPING_ID = 1;
    private static final int MAPPING_FILENAME = 5;
    private static final int MAPPING_HAS_FUNCTIONS = 7;
    private static final int LOCATION_ID = 1;
    private static final int LOCATION_MAPPING_ID = 2;
    private static final int LOCATION_LINE = 4;
    private static final int LINE_FUNCTION_ID = 1;
    private static final int LINE_LINE = 2;
    private static final int FUNCTION_ID = 1;
    private static final int FUNCTION_NAME = 2;

    private final Map<String, Long> strings = new HashMap<>();
    private final List<String> stringTable = new ArrayList<>();
    private final Map<String, Long> functions = new HashMap<>();
    private final Map<String, Long> locations = new HashMap<>();
    private final Map<String, Long> mappings = new HashMap<>();
    private final ByteArrayOutputStream mappingBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream functionBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream locationBytes = new ByteArrayOutputStream();

    private PprofWriter() {
        string("");
    }

    /** Writes {@code profile} to {@code out} as a gzip-compressed pprof profile; does not close {@code out}. */
    public static void write(Profile profile, OutputStream out) throws IOException {
        new PprofWriter().writeProfile(profile, out);
    }

    private void writeProfile(Profile profile, OutputStream out) throws IOException {
        String event = profile.meta("event").map(String::strip).filter(e -> !e.isEmpty()).orElse("samples");
        String unit = unitOf(profile.meta("units"));
        ByteArrayOutputStream samples = new ByteArrayOutputStream();
        PprofWire sampleOut = new PprofWire(samples);
        for (Stack stack : profile.stacks()) {
            long value = profile.wholeCount(stack);
            if (value == 0 || stack.frames().isEmpty()) {
                continue;
            }
            List<String> frames = stack.frames();
            long[] ids = new long[frames.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = location(frames.get(frames.size() - 1 - i));
            }
            sampleOut.bytes(PROFILE_SAMPLE, sample(ids, value));
        }

        GZIPOutputStream gzip = new GZIPOutputStream(out, 1 << 16);
        BufferedOutputStream buffered = new BufferedOutputStream(gzip, 1 << 16);
        PprofWire proto = new PprofWire(buffered);
        byte[] valueType = valueType(event, unit);
        proto.bytes(PROFILE_SAMPLE_TYPE, valueType);
        proto.raw(samples.toByteArray());
        proto.raw(mappingBytes.toByteArray());
        proto.raw(locationBytes.toByteArray());
        proto.raw(functionBytes.toByteArray());
        Optional<Long> durationMs = longMeta(profile, "duration_ms");
        if (durationMs.isPresent()) {
            proto.varint(PROFILE_DURATION_NANOS, durationMs.get() * 1_000_000L);
        }
        Optional<Long> intervalNs = longMeta(profile, "interval_ns");
        if (intervalNs.isPresent() && unit.equals("count")) {
            proto.bytes(PROFILE_PERIOD_TYPE, valueType(event, "nanoseconds"));
            proto.varint(PROFILE_PERIOD, intervalNs.get());
        }
        proto.varint(PROFILE_COMMENT, string("written by jflame from collapsed stacks"));
        for (String s : stringTable) {
            proto.string(PROFILE_STRING_TABLE, s);
        }
        buffered.flush();
        gzip.finish();
    }

    /** pprof's unit names for the collapsed header's {@code # units:}; unknown units are passed on as they are. */
    private static String unitOf(Optional<String> units) {
        String u = units.map(String::strip).filter(s -> !s.isEmpty()).orElse("samples");
        return switch (u) {
            case "samples" -> "count";
            case "ns" -> "nanoseconds";
            default -> u;
        };
    }

    private static Optional<Long> longMeta(Profile profile, String key) {
        try {
            return profile.meta(key).map(String::strip).map(Long::parseLong).filter(v -> v > 0);
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    private byte[] valueType(String type, String unit) throws IOException {
        long typeIndex = string(type);
        long unitIndex = string(unit);
        return PprofWire.message(m -> {
            m.varint(VALUE_TYPE_TYPE, typeIndex);
            m.varint(VALUE_TYPE_UNIT, unitIndex);
        });
    }

    private byte[] sample(long[] locationIds, long value) throws IOException {
        return PprofWire.message(m -> {
            m.packed(SAMPLE_LOCATION_ID, locationIds);
            m.packed(SAMPLE_VALUE, value);
        });
    }

    /** The location id of a frame: one location per distinct frame name, and one function per method. */
    private long location(String frame) throws IOException {
        Long known = locations.get(frame);
        if (known != null) {
            return known;
        }
        NativeFrameName nativeFrame = NativeFrameName.parse(frame);
        FrameLine at = nativeFrame != null ? new FrameLine(frame, 0) : FrameLine.of(frame);
        long line = at.line();
        long functionId = function(at.function());
        long mappingId = nativeFrame != null ? mapping(nativeFrame.library()) : 0;
        long id = locations.size() + 1L;
        locations.put(frame, id);
        byte[] lineMessage = PprofWire.message(m -> {
            m.varint(LINE_FUNCTION_ID, functionId);
            if (line > 0) {
                m.varint(LINE_LINE, line);
            }
        });
        byte[] location = PprofWire.message(m -> {
            m.varint(LOCATION_ID, id);
            if (mappingId != 0) {
                m.varint(LOCATION_MAPPING_ID, mappingId);
            }
            m.bytes(LOCATION_LINE, lineMessage);
        });
        append(locationBytes, PROFILE_LOCATION, location);
        return id;
    }

    /** The mapping of a native library, one per library file name. */
    private long mapping(String library) throws IOException {
        Long known = mappings.get(library);
        if (known != null) {
            return known;
        }
        long id = mappings.size() + 1L;
        mappings.put(library, id);
        long fileName = string(library);
        byte[] mapping = PprofWire.message(m -> {
            m.varint(MAPPING_ID, id);
            m.varint(MAPPING_FILENAME, fileName);
            m.bool(MAPPING_HAS_FUNCTIONS, true);
        });
        append(mappingBytes, PROFILE_MAPPING, mapping);
        return id;
    }

    private long function(String name) throws IOException {
        Long known = functions.get(name);
        if (known != null) {
            return known;
        }
        long id = functions.size() + 1L;
        functions.put(name, id);
        long nameIndex = string(name);
        byte[] function = PprofWire.message(m -> {
            m.varint(FUNCTION_ID, id);
            // No system_name: pprof "simplifies" a name equal to its system name that looks like
            // C++ (cutting <...> and (...)); without one the name is shown exactly as recorded.
            m.varint(FUNCTION_NAME, nameIndex);
        });
        append(functionBytes, PROFILE_FUNCTION, function);
        return id;
    }

    /** Adds one repeated field of the profile (a location, a function) to the bytes kept for it. */
    private static void append(ByteArrayOutputStream table, int field, byte[] message) throws IOException {
        new PprofWire(table).bytes(field, message);
    }

    private long string(String s) {
        return strings.computeIfAbsent(s, k -> {
            stringTable.add(k);
            return stringTable.size() - 1L;
        });
    }
}
