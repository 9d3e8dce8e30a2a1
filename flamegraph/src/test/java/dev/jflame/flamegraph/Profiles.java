package dev.jflame.flamegraph;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Builds test profiles from collapsed text. */
final class Profiles {

    private Profiles() {
    }

    static Profile collapsed(String text) {
        try {
            return new CollapsedParser().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DiffProfile diff(String text) {
        try {
            return new DiffParser().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
