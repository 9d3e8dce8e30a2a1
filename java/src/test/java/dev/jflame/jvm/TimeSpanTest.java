package dev.jflame.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jflame.interop.RecordingTime;
import org.junit.jupiter.api.Test;

/** One grammar of time for every option: the units from ns to h, a unit required. */
class TimeSpanTest {
    @Test
    void everyUnitFromNanosecondsToHours() {
        assertEquals(7L, TimeSpan.parseNanos("7ns", "x"));
        assertEquals(7_000L, TimeSpan.parseNanos("7us", "x"));
        assertEquals(7_000_000L, TimeSpan.parseNanos("7ms", "x"));
        assertEquals(7_000_000_000L, TimeSpan.parseNanos("7s", "x"));
        assertEquals(300_000_000_000L, TimeSpan.parseNanos("5m", "x"));
        assertEquals(7_200_000_000_000L, TimeSpan.parseNanos("2H", "x"));
    }

    @Test
    void aBareNumberOrAnUnknownUnitNamesTheValue() {
        for (String bad : new String[] {"10", "10d", "m", "-5s", "1.5s", "99999999999h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TimeSpan.parseNanos(bad, "duration"));
            assertTrue(e.getMessage().contains("duration"), e.getMessage());
        }
    }

    @Test
    void everyOptionSpeaksIt() {
        assertEquals(300_000_000_000L, Interval.parse("5m").nanos());
        assertEquals(new RecordingTime.Offset(-30_000), RecordingTime.parse("-30s"));
        assertEquals(new RecordingTime.Offset(3_600_000), RecordingTime.parse("1h"));
        assertEquals(new RecordingTime.Offset(1), RecordingTime.parse("1500us"));
    }
}
