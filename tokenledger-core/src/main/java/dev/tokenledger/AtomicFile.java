package dev.tokenledger;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Replaces a file's content all at once: the bytes go to a temporary file beside it, which is then
 * moved over it, so a reader sees the old file or the new one, never half of one. A file replaced
 * keeps its permissions; a new one gets the default permissions of its folder (the umask), not the
 * owner-only mode of a temporary file.
 */
public final class AtomicFile {
  private static final SecureRandom RANDOM = new SecureRandom();

  private AtomicFile() {}

  /** Writes {@code bytes} to {@code file}, creating its folder if needed. */
  public static void write(Path file, byte[] bytes) throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    byte[] suffix = new byte[6];
    RANDOM.nextBytes(suffix);
    Path temp =
        dir.resolve("." + target.getFileName() + "." + HexFormat.of().formatHex(suffix) + ".tmp");
    try {
      try (OutputStream out =
          Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        out.write(bytes);
      }
      if (Files.exists(target)
          && Files.getFileAttributeView(target, PosixFileAttributeView.class) != null) {
        Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target));
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
