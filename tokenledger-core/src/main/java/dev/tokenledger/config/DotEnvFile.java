package dev.tokenledger.config;

import dev.tokenledger.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code .env} file as read: its variables with the line each was set on, and whether other users
 * can read it. Values are only reachable inside this package; {@link #toString()} shows none.
 */
public final class DotEnvFile {
  private final Path path;
  private final Map<String, DotEnvParser.Assignment> effective;
  private final List<ConfigWarning> warnings;
  private final Optional<Set<PosixFilePermission>> permissions;

  private DotEnvFile(
      Path path,
      Map<String, DotEnvParser.Assignment> effective,
      List<ConfigWarning> warnings,
      Optional<Set<PosixFilePermission>> permissions) {
    this.path = path;
    this.effective = effective;
    this.warnings = warnings;
    this.permissions = permissions;
  }

  /**
   * Reads and parses {@code path}.
   *
   * @throws ConfigurationException when it cannot be read or a quoted value is never closed
   */
  public static DotEnvFile read(Path path) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ConfigurationException("env file " + path + " does not exist", e);
    } catch (AccessDeniedException e) {
      throw new ConfigurationException(
          "cannot read env file " + path + " (permission denied): run chmod 600 " + path, e);
    } catch (IOException e) {
      throw new ConfigurationException("cannot read env file " + path + ": " + e, e);
    }
    DotEnvParser.Parsed parsed =
        DotEnvParser.parse(new String(bytes, StandardCharsets.UTF_8), path.toString());
    List<ConfigWarning> warnings = new ArrayList<>();
    for (int line : parsed.ignoredLines()) {
      warnings.add(
          new ConfigWarning(
              ConfigWarning.Kind.ENV_FILE_LINE_IGNORED,
              path + ":" + line + " is not a KEY=value line and was ignored",
              "write it as KEY=value, export KEY=value or a # comment"));
    }
    Map<String, DotEnvParser.Assignment> effective = new LinkedHashMap<>();
    for (DotEnvParser.Assignment a : parsed.assignments()) {
      DotEnvParser.Assignment earlier = effective.remove(a.name());
      if (earlier != null) {
        warnings.add(
            new ConfigWarning(
                ConfigWarning.Kind.ENV_FILE_DUPLICATE,
                a.name()
                    + " is set twice in "
                    + path
                    + " (lines "
                    + earlier.line()
                    + " and "
                    + a.line()
                    + "); line "
                    + a.line()
                    + " wins",
                "delete the line you do not mean"));
      }
      effective.put(a.name(), a);
    }
    return new DotEnvFile(
        path,
        Collections.unmodifiableMap(effective),
        List.copyOf(warnings),
        posixPermissions(path));
  }

  private static Optional<Set<PosixFilePermission>> posixPermissions(Path path) {
    try {
      return Optional.of(Files.getPosixFilePermissions(path));
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system (Windows): nothing to say about other users.
      return Optional.empty();
    }
  }

  /** The file that was read. */
  public Path path() {
    return path;
  }

  /** The variables the file sets, in the order of their effective lines. */
  public Set<String> variableNames() {
    return effective.keySet();
  }

  /** The line that sets {@code name} (the last one when it is set twice). */
  public Optional<Integer> line(String name) {
    return Optional.ofNullable(effective.get(name)).map(DotEnvParser.Assignment::line);
  }

  /**
   * Whether users other than the owner (group or others) can read the file; empty on a file system
   * without POSIX permissions.
   */
  public Optional<Boolean> readableByOthers() {
    return permissions.map(
        p ->
            p.contains(PosixFilePermission.GROUP_READ)
                || p.contains(PosixFilePermission.OTHERS_READ));
  }

  /** The file's permissions as {@code ls -l} shows them ({@code rw-r--r--}), if POSIX. */
  public Optional<String> permissionString() {
    return permissions.map(PosixFilePermissions::toString);
  }

  /** Lines ignored and variables set twice. */
  public List<ConfigWarning> warnings() {
    return warnings;
  }

  Optional<String> value(String name) {
    return Optional.ofNullable(effective.get(name)).map(DotEnvParser.Assignment::value);
  }

  @Override
  public String toString() {
    return "DotEnvFile[" + path + ", " + effective.size() + " variables]";
  }
}
