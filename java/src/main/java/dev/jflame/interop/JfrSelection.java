package dev.jflame.interop;

/**
 * What to take from a JFR recording: one kind of event, optionally split by thread, optionally
 * within a time range.
 *
 * @param fromMillis start of the range in ms from the recording's start (negative: before its
 *                   end; from 1.5e12 on, ms since the epoch: a wall-clock time), or null for the start
 * @param toMillis   end of the range, counted the same way, or null for the end
 */
public record JfrSelection(JfrEvent event, boolean threads, Long fromMillis, Long toMillis) {
    public JfrSelection {
        if (event == null) {
            throw new IllegalArgumentException("no event chosen");
        }
        if (toMillis != null && toMillis == 0) {
            throw new IllegalArgumentException("--to 0 leaves nothing: the range ends where the recording starts");
        }
        if (fromMillis != null && toMillis != null && Long.signum(fromMillis) == Long.signum(toMillis)
                && fromMillis >= toMillis) {
            throw new IllegalArgumentException("the time range is empty: --from must come before --to");
        }
    }
}
