package dev.jflame.interop;

import dev.jflame.jvm.TimeSpan;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A moment within a recording, as {@code --from}/{@code --to} give it: an offset from its start
 * ({@code 10s}, {@code 1500ms}, {@code 2m}) or back from its end ({@code -30s}), a wall-clock
 * time of day ({@code 14:03}, {@code 14:03:20}, {@code 14:03:20.250}, in the local time zone, on
 * the day the recording ran), or a date and time ({@code 2025-05-01T14:03:20}).
 */
public sealed interface RecordingTime {
    /** Milliseconds from the start, or from the end when negative. */
    record Offset(long millis) implements RecordingTime {
    }

    /** A time of day on the recording's first day (or the next, for a recording past midnight). */
    record ClockTime(LocalTime time) implements RecordingTime {
    }

    /** A date and time in the local time zone. */
    record DateTime(LocalDateTime dateTime) implements RecordingTime {
    }

    Pattern OFFSET = Pattern.compile("(-?)(\\d+[a-z]+)");
    Pattern CLOCK = Pattern.compile("\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");

    /** Parses one of the forms above; IllegalArgumentException with the forms allowed. */
    static RecordingTime parse(String text) {
        String value = text.strip();
        Matcher m = OFFSET.matcher(value);
        if (m.matches()) {
            // The command line's one grammar of time (TimeSpan); the converter takes milliseconds.
            long millis = TimeSpan.parseNanos(m.group(2), "time") / 1_000_000L;
            return new Offset(m.group(1).isEmpty() ? millis : -millis);
        }
        try {
            if (CLOCK.matcher(value).matches()) {
                return new ClockTime(LocalTime.parse(value.length() == 4 ? "0" + value : value));
            }
            if (value.toUpperCase(Locale.ROOT).contains("T") || value.contains(" ")) {
                return new DateTime(LocalDateTime.parse(value.replace(' ', 'T')));
            }
        } catch (DateTimeParseException e) {
            // falls through to the one message below
        }
        throw new IllegalArgumentException("expected a time such as 10s, 1500ms or 2m from the recording's start, "
                + "-30s back from its end, a time of day such as 14:03:20, or a date and time such as "
                + "2025-05-01T14:03:20; got '" + text + "'");
    }

    /**
     * This moment as the converter library takes it: an offset in ms (negative: from the end) as
     * given, or else milliseconds since the epoch, for a recording that started at
     * {@code startEpochMillis}, in {@code zone}.
     */
    default long toConverterMillis(long startEpochMillis, ZoneId zone) {
        try {
            if (this instanceof Offset o) {
                return o.millis();
            }
            if (this instanceof ClockTime c) {
                ZonedDateTime start = Instant.ofEpochMilli(startEpochMillis).atZone(zone);
                ZonedDateTime at = start.toLocalDate().atTime(c.time()).atZone(zone);
                // A time of day before the start (by more than a minute) is the next day's: a
                // recording that runs past midnight.
                if (at.toInstant().toEpochMilli() < startEpochMillis - 60_000) {
                    at = LocalDate.from(start).plusDays(1).atTime(c.time()).atZone(zone);
                }
                return at.toInstant().toEpochMilli();
            }
            return ((DateTime) this).dateTime().atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("cannot place " + this + " in time: " + e.getMessage(), e);
        }
    }
}
