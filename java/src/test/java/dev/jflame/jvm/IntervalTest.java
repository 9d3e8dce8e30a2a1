package dev.jflame.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IntervalTest {
    @Test
    void parsesEveryUnit() {
        assertEquals(50_000, Interval.parse("50us").nanos());
        assertEquals(10_000_000, Interval.parse("10ms").nanos());
        assertEquals(2_000_000_000, Interval.parse("2s").nanos());
        assertEquals(100_000, Interval.parse("100000ns").nanos());
    }

    @Test
    void bareNumberIsRefusedWithTheUnitsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Interval.parse("10"));
        assertTrue(e.getMessage().contains(TimeSpan.UNITS), e.getMessage());
    }

    @Test
    void tooShortOrMalformedIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Interval.parse("1us"));
        assertThrows(IllegalArgumentException.class, () -> Interval.parse("0ms"));
        assertThrows(IllegalArgumentException.class, () -> Interval.parse("-5ms"));
        assertThrows(IllegalArgumentException.class, () -> Interval.parse("ms"));
        assertThrows(IllegalArgumentException.class, () -> Interval.parse("999999999999s"));
    }

    @Test
    void agentValueIsExactNanoseconds() {
        assertEquals("1000000ns", Interval.parse("1ms").toAgentValue());
        assertEquals("1ms", Interval.parse("1000us").toString());
    }
}
