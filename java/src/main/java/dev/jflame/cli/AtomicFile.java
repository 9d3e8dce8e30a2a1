package dev.jflame.cli;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * Writes a file so that readers see either the old file or the complete new one, never a
 * half-written one: a temp file beside the target, flushed to disk, then renamed over it.
 */
final class AtomicFile {
    /** The body of a write; may throw, in which case the target is left untouched. */
    interface Content {
        void writeTo(Writer out) throws IOException;
    }

    /** The body of a binary write, such as a pprof profile. */
    interface BinaryContent {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /** Fails early, before any work is done, if the file could not be written later. */
    static void checkWritable(Path target) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new UserError("cannot write " + target + ": it is a directory");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UserError("cannot write " + target + ": directory " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new UserError("cannot write " + target + ": directory " + dir + " is not writable");
        }
    }

    static void write(Path target, Content content) throws IOException {
        writeBytes(target, bytes -> {
            Writer out = new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), 1 << 16);
            content.writeTo(out);
            out.flush();
        });
    }

    static void writeBytes(Path target, BinaryContent content) throws IOException {
        checkWritable(target);
        Path absolute = target.toAbsolutePath();
        Temp temp = Temp.beside(absolute);
        try {
            try (FileChannel channel = temp.channel();
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16)) {
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(temp.path(), absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp.path(), absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp.path());
        }
    }

    /**
     * The temp file beside the target, open for writing. Its name cannot be guessed and it is
     * created with O_EXCL ({@code CREATE_NEW}), so a file or symlink planted there in advance
     * makes the create fail rather than be written through; it stays open from creation to
     * the last write, so it cannot be swapped in between. It is created 0644 less the umask,
     * as the agent creates profiles: a graph is an ordinary document, readable per the umask
     * and never writable by others (Files.createTempFile would make it 0600, and the rename
     * would keep that).
     */
    private record Temp(Path path, FileChannel channel) {
        private static final FileAttribute<Set<PosixFilePermission>> MODE =
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

        static Temp beside(Path absolute) throws IOException {
            for (int attempt = 1; ; attempt++) {
                Path path = absolute.resolveSibling("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
                try {
                    return new Temp(path, FileChannel.open(path,
                            Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), MODE));
                } catch (FileAlreadyExistsException e) {
                    if (attempt == 10) {
                        throw new IOException("cannot create a temp file beside " + absolute + ": ten random names"
                                + " such as " + path + " already exist");
                    }
                }
            }
        }
    }
}
