package dev.jflame.flamegraph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameKindTest {

    @Test
    void agentFrameNamesAreClassifiedByTheirConventions() {
        assertEquals(FrameKind.JAVA, FrameKind.of("java.util.HashMap.put"));
        assertEquals(FrameKind.JAVA, FrameKind.of("com.example.App.main:42"));
        assertEquals(FrameKind.JAVA, FrameKind.of("com.example.App$$Lambda$14/0x0000000800c03000.run"));
        assertEquals(FrameKind.JAVA, FrameKind.of("org.sonar.Scanner.scan"));
        assertEquals(FrameKind.JAVA_NATIVE, FrameKind.of("java.io.FileInputStream.readBytes [native]"));
        assertEquals(FrameKind.NATIVE, FrameKind.of("libc.so.6"));
        assertEquals(FrameKind.NATIVE, FrameKind.of("libjvm.so+0x1f2e"));
        assertEquals(FrameKind.NATIVE, FrameKind.of("G1ParScanThreadState::trim_queue()"));
        assertEquals(FrameKind.NATIVE, FrameKind.of("malloc"));
        assertEquals(FrameKind.NATIVE, FrameKind.of("deflate [libz.so.1]"));
        assertEquals(FrameKind.NATIVE, FrameKind.of("__memset_avx2_unaligned_erms.part.0 [libc.so.6]"));
        assertEquals(FrameKind.NATIVE, FrameKind.of("G1ParScanThreadState::trim_queue [libjvm.so]"));
        assertEquals(FrameKind.NATIVE, FrameKind.of("JavaMain [java]"));
        assertEquals(FrameKind.KERNEL, FrameKind.of("__x64_sys_read_[k]"));
        assertEquals(FrameKind.KERNEL, FrameKind.of("[kernel]"));  // jflame's kernel part without kallsyms names
        assertEquals(FrameKind.THREAD, FrameKind.of("[main tid=123]"));
        assertEquals(FrameKind.THREAD, FrameKind.of("[GC Thread#0]"));
        assertEquals(FrameKind.THREAD, FrameKind.of("[running]"));
        assertEquals(FrameKind.PSEUDO, FrameKind.of("[gc_active]"));
        assertEquals(FrameKind.PSEUDO, FrameKind.of("[unknown_Java]"));
        assertEquals(FrameKind.PSEUDO, FrameKind.of("[crashed_walk]"));
        assertEquals(FrameKind.PSEUDO, FrameKind.of("[truncated]"));
    }

    @Test
    void nativeFramesNameTheirLibrary() {
        assertEquals(new NativeFrameName("deflate", "libz.so.1"), NativeFrameName.parse("deflate [libz.so.1]"));
        assertEquals(new NativeFrameName("libfoo.so+0x1a2b", "libfoo.so"),
                NativeFrameName.parse("libfoo.so+0x1a2b [libfoo.so]"));
        assertEquals("deflate [libz.so.1]", new NativeFrameName("deflate", "libz.so.1").frameName());
        assertEquals(null, NativeFrameName.parse("java.util.zip.Deflater.deflateBytesBytes [native]"));
        assertEquals(null, NativeFrameName.parse("[GC Thread#0]"));
        assertEquals(null, NativeFrameName.parse("[main tid=7]"));
        assertEquals(null, NativeFrameName.parse("java.util.HashMap.put"));
        assertEquals(null, NativeFrameName.parse("weird [two words]"));
    }
}
