package dev.jflame.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedAgentTest {
    @TempDir
    Path dir;

    private static byte[] embedded() throws IOException {
        try (InputStream in = EmbeddedAgent.class.getResourceAsStream(EmbeddedAgent.RESOURCE)) {
            return in.readAllBytes();
        }
    }

    @Test
    void extractsToAChecksumNamedPathAndReusesIt() throws Exception {
        EmbeddedAgent agent = new EmbeddedAgent(dir.resolve("jflame-test"));
        Path first = agent.extract();
        Path second = agent.extract();
        assertEquals(first, second);
        assertArrayEquals(embedded(), Files.readAllBytes(first));
        assertEquals(EmbeddedAgent.sha256(embedded()).substring(0, 16), first.getParent().getFileName().toString());
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(first.getParent());
        assertFalse(perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE));
    }

    @Test
    void concurrentExtractionsAllGetTheCompleteLibrary() throws Exception {
        EmbeddedAgent agent = new EmbeddedAgent(dir.resolve("jflame-test"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(agent::extract));
            }
            for (Future<Path> f : results) {
                assertArrayEquals(embedded(), Files.readAllBytes(f.get()));
            }
        } finally {
            pool.shutdown();
        }
        try (var files = Files.list(dir.resolve("jflame-test").resolve(
                EmbeddedAgent.sha256(embedded()).substring(0, 16)))) {
            assertEquals(1, files.count(), "no temp files left behind");
        }
    }

    @Test
    void refusesADirectoryOthersCanWrite() throws Exception {
        Path base = dir.resolve("open");
        Files.createDirectory(base);
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> new EmbeddedAgent(base).extract());
        assertTrue(e.getMessage().contains("writable by other users"), e.getMessage());
    }

    @Test
    void refusesASymlinkInPlaceOfTheDirectory() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        IOException e = assertThrows(IOException.class, () -> new EmbeddedAgent(link).extract());
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }
}
