package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameLineTest {
    @Test
    void aLineSuffixIsSplitOff() {
        assertEquals(new FrameLine("app.Work.run", 40), FrameLine.of("app.Work.run:40"));
    }

    @Test
    void aNameWithoutLineIsTheWholeFunction() {
        assertEquals(new FrameLine("app.Work.run", 0), FrameLine.of("app.Work.run"));
        assertEquals(new FrameLine("std::vector<int>::at", 0), FrameLine.of("std::vector<int>::at"));
    }

    @Test
    void aColonAloneOrTooManyDigitsIsPartOfTheName() {
        assertEquals(new FrameLine(":12", 0), FrameLine.of(":12"));
        assertEquals(new FrameLine("f:1234567890", 0), FrameLine.of("f:1234567890"));
    }
}
