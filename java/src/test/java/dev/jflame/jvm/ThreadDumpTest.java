package dev.jflame.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreadDumpTest {
    @Test
    void readsTheAgentsThreadsAndFrames() throws IOException {
        List<ThreadDump.ThreadStack> threads = ThreadDump.parse(List.of(
                "# jflame thread dump",
                "thread\t10\t1\tR\twalked\tjava\tmain",
                "frame\tapp.Main.work:12",
                "frame\tapp.Main.main:3",
                "thread\t11\t-1\tS\tno_java_frames\tos\tC2 CompilerThre",
                "thread\t12\t7\t-\tsignal_blocked\tjava\tnative worker"));
        assertEquals(3, threads.size());
        assertEquals(List.of("app.Main.work:12", "app.Main.main:3"), threads.get(0).frames());
        assertEquals("running", threads.get(0).state());
        assertEquals(-1, threads.get(1).javaId());
        assertEquals(false, threads.get(1).namedByJava());
        assertEquals("", threads.get(2).state());
        assertEquals(ThreadDump.Answer.signal_blocked, threads.get(2).answer());
    }

    @Test
    void aLineItDoesNotKnowIsAnError() {
        assertThrows(IOException.class, () -> ThreadDump.parse(List.of("frame\torphan")));
        assertThrows(IOException.class, () -> ThreadDump.parse(List.of("thread\tx\t1\tR\twalked\tjava\tmain")));
    }
}
