package dev.tokenledger.recording;

import dev.tokenledger.ConfigurationException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The rules that keep reading and writing a genai-devbench tree inside its {@code runs/} folder:
 * run ids and framework names are plain folder names, manifest paths are relative and stay inside,
 * and what a path really leads to (links resolved) is checked before a file is read or written.
 */
public final class RunFolders {
  private RunFolders() {}

  /**
   * The real path of the {@code runs/} folder (links resolved), which every path read or written
   * below it is checked against.
   *
   * @throws ConfigurationException when it cannot be resolved
   */
  public static Path real(Path runs) {
    try {
      return runs.toRealPath();
    } catch (IOException e) {
      throw new ConfigurationException("cannot read " + runs + ": " + e.getMessage());
    }
  }

  /**
   * Whether {@code name} is one folder name: not empty, not {@code .} or {@code ..}, no separator
   * and no control character.
   */
  public static boolean isPlainName(String name) {
    if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")) {
      return false;
    }
    return name.chars().noneMatch(c -> c == '/' || c == '\\' || c < 0x20 || c == 0x7F);
  }

  /** Whether the relative {@code path} names something inside {@code runs} (by its text). */
  static boolean staysInside(Path runs, String path) {
    try {
      Path p = Path.of(path);
      Path base = runs.toAbsolutePath().normalize();
      Path resolved = base.resolve(p).normalize();
      return !p.isAbsolute() && resolved.startsWith(base) && !resolved.equals(base);
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /**
   * Why {@code metrics} (in {@code folder}) cannot be read as a run's record: the folder or the
   * file resolves outside {@code realRuns}, the file is a link that loops or leads nowhere, or it
   * is not a file; null when it can be read, or does not exist at all (the manifest has the run).
   */
  static String unreadable(Path realRuns, Path folder, Path metrics) {
    if (!Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    String outside = outside(realRuns, folder);
    if (outside != null) {
      return outside;
    }
    if (!Files.exists(metrics, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    return outside(realRuns, metrics);
  }

  /**
   * Why {@code path} may not be read or written as part of the tree whose real {@code runs/} folder
   * is {@code realRuns}: it cannot be resolved (a loop, a dangling link), it resolves outside, or
   * (for a file) it is not a regular readable file; null when it is fine.
   */
  public static String outside(Path realRuns, Path path) {
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      return path.getFileName()
          + " cannot be read (a link to "
          + e.getFile()
          + ", which does not exist)";
    } catch (FileSystemException e) {
      return path.getFileName()
          + " cannot be read ("
          + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName())
          + ")";
    } catch (IOException e) {
      return path.getFileName() + " cannot be read (" + e.getMessage() + ")";
    }
    if (!real.startsWith(realRuns)) {
      return path + " resolves to " + real + ", outside " + realRuns;
    }
    if (path.getFileName().toString().equals("metrics.json")) {
      if (!Files.isRegularFile(real)) {
        return "metrics.json is not a file";
      }
      if (!Files.isReadable(real)) {
        return "metrics.json cannot be read (permission denied)";
      }
    }
    return null;
  }

  /** {@code value} quoted for a message, control characters escaped, at most 80 characters. */
  public static String quote(String value) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < value.length() && i < 80; i++) {
      char c = value.charAt(i);
      sb.append(c < 0x20 || c == 0x7F ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.append(value.length() > 80 ? "…\"" : "\"").toString();
  }
}
