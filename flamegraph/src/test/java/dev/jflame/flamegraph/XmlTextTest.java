package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class XmlTextTest {

    @Test
    void markupCharactersBecomeEntities() {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", XmlText.escape("<a href=\"x\">&'"));
    }

    @Test
    void lineBreaksAndTabsSurviveAttributeNormalisation() {
        assertEquals("a&#9;b&#10;c&#13;", XmlText.escape("a\tb\nc\r"));
    }

    @Test
    void charactersXmlForbidsAreReplaced() {
        assertEquals("&#65533;&#65533;&#65533;&#65533;", XmlText.escape("\u0000\u001b\uFFFE\uDC00"));
    }

    @Test
    void nonAsciiBecomesCharacterReferencesWithPairsKeptWhole() {
        assertEquals("caf&#233; &#128512;", XmlText.escape("caf\u00e9 \uD83D\uDE00"));
    }

    @Test
    void aRangeEndingInsideASurrogatePairDoesNotEmitHalfACharacter() {
        StringBuilder out = new StringBuilder();
        XmlText.append(out, "x\uD83D\uDE00", 0, 2);
        assertEquals("x&#65533;", out.toString());
    }
}
