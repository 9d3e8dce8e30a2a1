package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FlameGraphOptionsTest {

    @Test
    void defaultsMatchFlamegraphPl() {
        FlameGraphOptions options = FlameGraphOptions.defaults();
        assertEquals("Flame Graph", options.title());
        assertNull(options.subtitle());
        assertEquals(1200, options.width());
        assertEquals(16, options.frameHeight());
        assertEquals("Verdana", options.fontType());
        assertEquals(12, options.fontSize());
        assertEquals(0.1, options.minWidth());
        assertEquals("samples", options.countName());
        assertEquals("Function:", options.nameType());
        assertEquals(Palette.JAVA, options.palette());
        assertEquals(false, options.inverted());
        assertEquals(false, options.reverse());
        assertNull(options.notes());
    }

    @Test
    void forProfileTakesCountNameAndSubtitleFromMetadata() {
        Profile profile = Profiles.collapsed("# event: cpu\n# units: samples\n# interval_ns: 10000000\n# samples: 12345\na 1\n");
        FlameGraphOptions options = FlameGraphOptions.forProfile(profile);
        assertEquals("samples", options.countName());
        assertEquals("event: cpu, interval: 10 ms, 12,345 samples", options.subtitle());
        assertEquals("CPU Flame Graph", options.title());
        assertEquals(Palette.JAVA, options.palette());

        FlameGraphOptions bare = FlameGraphOptions.forProfile(Profiles.collapsed("a 1\n"));
        assertNull(bare.subtitle());
        assertEquals("samples", bare.countName());
        assertEquals(FlameGraphOptions.defaults(), bare);

        FlameGraphOptions allocation = FlameGraphOptions.forProfile(
                Profiles.collapsed("# event: alloc\n# units: bytes\n# interval_ns: 1500\na 1\n"));
        assertEquals("bytes", allocation.countName());
        assertEquals("event: alloc, interval: 1.5 us", allocation.subtitle());
        assertEquals("Allocation Flame Graph", allocation.title());
        assertEquals(Palette.MEM, allocation.palette());

        FlameGraphOptions wall = FlameGraphOptions.forProfile(
                Profiles.collapsed("# title: nightly run\n# units: ns\na 1\n"));
        assertEquals("nightly run", wall.title());
        assertEquals("ns", wall.countName());
        assertEquals(Palette.IO, wall.palette());
    }

    @Test
    void minWidthInPercentIsMeasuredAgainstTheDrawableWidth() {
        FlameGraphOptions options = FlameGraphOptions.builder().width(1020).minWidthPercent(1).build();
        assertEquals(10.0, options.minWidth(), 1e-9);
        assertEquals(0.5, FlameGraphOptions.builder().minWidthPercent(1).minWidth(0.5).build().minWidth());
        assertThrows(IllegalArgumentException.class, () -> FlameGraphOptions.builder().minWidthPercent(101));
    }

    @Test
    void toBuilderChangesOnlyWhatIsSet() {
        FlameGraphOptions options = FlameGraphOptions.defaults().toBuilder().title("t").inverted(true).build();
        assertEquals("t", options.title());
        assertTrue(options.inverted());
        assertEquals(1200, options.width());
    }

    @Test
    void invalidSettingsAreRejectedByName() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> FlameGraphOptions.builder().width(0).build());
        assertTrue(error.getMessage().startsWith("width"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FlameGraphOptions.builder().minWidth(-1).build());
        assertThrows(NullPointerException.class, () -> FlameGraphOptions.builder().palette(null).build());
    }
}
