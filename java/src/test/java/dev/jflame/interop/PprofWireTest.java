package dev.jflame.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The encoder against the worked examples of the protobuf wire-format specification. */
class PprofWireTest {
    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    @Test
    void varintFieldIsKeyThenSevenBitGroupsLowFirst() throws IOException {
        assertArrayEquals(hex("08 96 01"), PprofWire.message(m -> m.varint(1, 150)));
        assertArrayEquals(hex("08 00"), PprofWire.message(m -> m.varint(1, 0)));
        assertArrayEquals(hex("10 01"), PprofWire.message(m -> m.bool(2, true)));
    }

    @Test
    void negativeInt64TakesTenBytes() throws IOException {
        assertArrayEquals(hex("08 ff ff ff ff ff ff ff ff ff 01"), PprofWire.message(m -> m.varint(1, -1)));
        assertEquals(10, PprofWire.varintSize(Long.MIN_VALUE));
        assertEquals(1, PprofWire.varintSize(127));
        assertEquals(2, PprofWire.varintSize(128));
    }

    @Test
    void stringsAndMessagesAreLengthDelimited() throws IOException {
        assertArrayEquals(hex("12 07 74 65 73 74 69 6e 67"), PprofWire.message(m -> m.string(2, "testing")));
        byte[] inner = PprofWire.message(m -> m.varint(1, 150));
        assertArrayEquals(hex("1a 03 08 96 01"), PprofWire.message(m -> m.bytes(3, inner)));
        assertArrayEquals(hex("0a 00"), PprofWire.message(m -> m.string(1, "")));
        // Field numbers above 15 take a two-byte key.
        assertArrayEquals(hex("80 01 01"), PprofWire.message(m -> m.varint(16, 1)));
    }

    @Test
    void packedRepeatedVarintsShareOneKeyAndLength() throws IOException {
        assertArrayEquals(hex("22 06 03 8e 02 9e a7 05"), PprofWire.message(m -> m.packed(4, 3, 270, 86942)));
    }
}
