package dev.tokenledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Replaces a file's content all at once: the bytes go to a temporary file beside it, flushed to
 * disk, which is then moved over it, so a reader sees the old file or the new one, never half of
 * one. A file replaced keeps its permissions; a new one gets the permissions asked for, or else the
 * default permissions of its folder (the umask), not the owner-only mode of a temporary file.
 */
public final class AtomicFile {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFile() {}

  /** Writes {@code bytes} to {@code file}, creating its folder if needed. */
  public static void write(Path file, byte[] bytes) throws IOException {
    write(file, bytes, null);
  }

  /**
   * Writes {@code bytes} to {@code file}; a new file gets {@code newFilePermissions} (null: the
   * umask's). The temporary file has the final permissions from its creation on, so a secret is
   * never readable by others, not even for a moment.
   */
  public static void write(Path file, byte[] bytes, Set<PosixFilePermission> newFilePermissions)
      throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
    Set<PosixFilePermission> permissions =
        !posix
            ? null
            : Files.exists(target) ? Files.getPosixFilePermissions(target) : newFilePermissions;
    byte[] suffix = new byte[6];
    RANDOM.nextBytes(suffix);
    Path temp =
        dir.resolve("." + target.getFileName() + "." + HexFormat.of().formatHex(suffix) + ".tmp");
    FileAttribute<?>[] attributes =
        permissions == null
            ? new FileAttribute<?>[0]
            : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)};
    try {
      try (FileChannel channel =
          FileChannel.open(
              temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      if (permissions != null) {
        // the umask may have taken bits off at creation; the file gets exactly these
        Files.setPosixFilePermissions(temp, permissions);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
