package dev.jflame.jvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * The native agent carried inside the jar, extracted once per build to
 * {@code TMPDIR/jflame-USER/CHECKSUM/libjflame.so}. The directory is keyed by the library's
 * checksum, so every jflame of the same build uses the same path (a second attach then finds
 * the library already loaded), and two jflame processes extracting at once both end with the
 * same complete file: each writes its own temp file and renames it into place.
 * The directories are checked after creation: owned by this user and writable by nobody
 * else, since a library another user could swap would run code inside the profiled JVM.
 */
public final class EmbeddedAgent {
    /** Named by {@code os.arch} of the JVM that built it: linux-amd64, linux-aarch64. */
    static final String RESOURCE = "/dev/jflame/jvm/linux-" + System.getProperty("os.arch") + "/libjflame.so";
    private static final String LIBRARY_NAME = "libjflame.so";
    private static final Set<PosixFilePermission> DIR_PERMISSIONS = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final Set<PosixFilePermission> LIB_PERMISSIONS = PosixFilePermissions.fromString("r-xr-xr-x");

    private final Path baseDirectory;

    public EmbeddedAgent(Path baseDirectory) {
        this.baseDirectory = baseDirectory;
    }

    /** The default location, under {@code java.io.tmpdir}. */
    public static EmbeddedAgent inTempDirectory() {
        return new EmbeddedAgent(Path.of(System.getProperty("java.io.tmpdir"), "jflame-" + userName()));
    }

    /** This user's name, made safe for a file name. */
    public static String userName() {
        return System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** Extracts the library if needed and returns its path. */
    public Path extract() throws IOException {
        checkPlatform();
        byte[] library = readLibrary();
        String checksum = sha256(library).substring(0, 16);
        Path dir = baseDirectory.resolve(checksum);
        createPrivateDirectory(baseDirectory);
        createPrivateDirectory(dir);
        Path target = dir.resolve(LIBRARY_NAME);
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                && checksum.equals(sha256(Files.readAllBytes(target)).substring(0, 16))) {
            return target;
        }
        Path temp = Files.createTempFile(dir, LIBRARY_NAME, ".tmp");
        try {
            Files.write(temp, library);
            Files.setPosixFilePermissions(temp, LIB_PERMISSIONS);
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
        return target;
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void checkPlatform() throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux")) {
            throw new IOException("the jflame agent runs on Linux only, this is " + os + "/" + arch
                    + "; on other systems use the Docker image (see README)");
        }
    }

    private static byte[] readLibrary() throws IOException {
        try (InputStream in = EmbeddedAgent.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("this jflame build carries no native agent for linux-"
                        + System.getProperty("os.arch") + " (" + RESOURCE + "): build jflame on this machine with 'mvn -B package'");
            }
            return in.readAllBytes();
        }
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_PERMISSIONS));
        } catch (FileAlreadyExistsException e) {
            // Someone created it before us (perhaps another jflame): trusted only after the checks below.
        }
        PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isDirectory()) {
            throw new IOException("cannot use " + dir + " for the agent: it is not a directory");
        }
        if (!attrs.owner().equals(currentUser(dir.getParent()))) {
            throw new IOException("cannot use " + dir + " for the agent: it belongs to " + attrs.owner().getName()
                    + ", not to this user");
        }
        Set<PosixFilePermission> perms = attrs.permissions();
        if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("cannot use " + dir + " for the agent: it is writable by other users ("
                    + PosixFilePermissions.toString(perms) + ")");
        }
    }

    /** The owner of a file this process creates: works for any uid, named in /etc/passwd or not. */
    private static UserPrincipal currentUser(Path where) throws IOException {
        Path probe = Files.createTempFile(where, ".owner", ".probe");
        try {
            return Files.getOwner(probe);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
