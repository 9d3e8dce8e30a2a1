package dev.jflame.interop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few protobuf wire types pprof's {@code profile.proto} needs, written straight to a stream:
 * varints (uint64, int64, bool), length-delimited fields (strings, bytes, nested messages) and
 * packed repeated varints. Encoding per the protobuf wire-format specification
 * (protobuf.dev/programming-guides/encoding): a field is its key {@code (number << 3) | type},
 * then its value; a varint is little-endian groups of seven bits, the high bit set on every byte
 * but the last; a negative int64 takes all ten bytes of its two's complement.
 */
final class PprofWire {
    static final int VARINT = 0;
    static final int LENGTH_DELIMITED = 2;

    private final OutputStream out;

    PprofWire(OutputStream out) {
        this.out = out;
    }

    /** A nested message's fields, encoded to bytes for a length-delimited field. */
    interface Fields {
        void writeTo(PprofWire message) throws IOException;
    }

    static byte[] message(Fields fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        fields.writeTo(new PprofWire(bytes));
        return bytes.toByteArray();
    }

    /** uint64 and int64 share the plain varint encoding. */
    void varint(int field, long value) throws IOException {
        key(field, VARINT);
        rawVarint(value);
    }

    void bool(int field, boolean value) throws IOException {
        varint(field, value ? 1 : 0);
    }

    void bytes(int field, byte[] value) throws IOException {
        key(field, LENGTH_DELIMITED);
        rawVarint(value.length);
        out.write(value);
    }

    void string(int field, String value) throws IOException {
        bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** A packed repeated varint field: one key, the byte length, then the values back to back. */
    void packed(int field, long... values) throws IOException {
        long size = 0;
        for (long value : values) {
            size += varintSize(value);
        }
        key(field, LENGTH_DELIMITED);
        rawVarint(size);
        for (long value : values) {
            rawVarint(value);
        }
    }

    /** Bytes already encoded as fields of the message being written. */
    void raw(byte[] fields) throws IOException {
        out.write(fields);
    }

    private void key(int field, int wireType) throws IOException {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            size++;
            value >>>= 7;
        }
        return size;
    }
}
