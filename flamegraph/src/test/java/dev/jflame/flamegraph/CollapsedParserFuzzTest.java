package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated inputs, seeded so that a failure names the case that reproduces it: the
 * parser either returns a profile or throws its own documented error, an IOException whose
 * message begins with the source name, never anything else.
 */
class CollapsedParserFuzzTest {
    private static final long SEED = 0x6a666c616d65L;
    private static final String[] PIECES = {
        ";", " ", "  ", "\t", "\n", "\r\n", "#", "# key: value", "0", "1", "42", "-1", "1.5", "9.99999999999",
        "99999999999999999999", "1e9", "NaN", "main", "a.b.C.m", "[gc_active]", "<script>", "&amp;", "\"", "'",
        "\u0000", "\u00ff", "\uD800", "\uFFFF", "\u2028", "é", ":12", " [native]", "_[k]", "$$Lambda$1/0x0000000800c0b000",
    };

    private static void check(byte[] input, String caseName) {
        try {
            Profile p = new CollapsedParser().parse(new ByteArrayInputStream(input), caseName);
            long total = p.totalSamples();
            assertTrue(total >= 0, caseName + ": negative total");
            for (Stack s : p.stacks()) {
                for (String f : s.frames()) {
                    assertTrue(f.indexOf('\n') < 0 && f.indexOf(';') < 0, caseName + ": frame spans a separator: " + f);
                }
            }
        } catch (IOException e) {
            String msg = e.getMessage();
            if (msg == null || !msg.startsWith(caseName)) {
                fail(caseName + ": error does not name its source: " + e);
            }
        } catch (RuntimeException | Error e) {
            throw new AssertionError(caseName + ": parser threw " + e, e);
        }
    }

    private static byte[] randomText(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(40);
        for (int i = 0; i < n; i++) {
            b.append(PIECES[r.nextInt(PIECES.length)]);
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] out = seed.clone();
        int edits = 1 + r.nextInt(8);
        for (int i = 0; i < edits && out.length > 0; i++) {
            int at = r.nextInt(out.length);
            switch (r.nextInt(3)) {
                case 0 -> out[at] = (byte) r.nextInt(256);
                case 1 -> out = java.util.Arrays.copyOf(out, at);
                default -> {
                    byte[] grown = new byte[out.length + 1];
                    System.arraycopy(out, 0, grown, 0, at);
                    grown[at] = (byte) r.nextInt(256);
                    System.arraycopy(out, at, grown, at + 1, out.length - at);
                    out = grown;
                }
            }
        }
        return out;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(data);
        }
        return bytes.toByteArray();
    }

    @Test
    void randomTextNeverThrowsAnythingButTheDocumentedError() {
        Random r = new Random(SEED);
        for (int i = 0; i < 5000; i++) {
            check(randomText(r), "random-" + i);
        }
    }

    @Test
    void randomBytesNeverThrowAnythingButTheDocumentedError() {
        Random r = new Random(SEED + 1);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[r.nextInt(300)];
            r.nextBytes(bytes);
            check(bytes, "bytes-" + i);
        }
    }

    @Test
    void mutatedValidProfilesNeverThrowAnythingButTheDocumentedError() {
        byte[] valid = ("# jflame: 1\n# units: samples\nmain;a.b.C.run;work 12\nmain;a.b.C.run;idle 3\n"
                + "[GC Thread#0] 4\n[main tid=1];x.Y.z:12 7\n").getBytes(StandardCharsets.UTF_8);
        Random r = new Random(SEED + 2);
        for (int i = 0; i < 3000; i++) {
            check(mutate(valid, r), "mutated-" + i);
        }
    }

    @Test
    void mutatedAndTruncatedGzipNeverThrowsAnythingButTheDocumentedError() throws IOException {
        byte[] gz = gzip("main;a;b 3\nmain;a;c 4\n".repeat(200).getBytes(StandardCharsets.UTF_8));
        Random r = new Random(SEED + 3);
        for (int i = 0; i < 1000; i++) {
            check(mutate(gz, r), "gzip-" + i);
        }
        for (int cut = 1; cut < gz.length; cut += 7) {
            check(java.util.Arrays.copyOf(gz, cut), "gzip-cut-" + cut);
        }
    }
}
