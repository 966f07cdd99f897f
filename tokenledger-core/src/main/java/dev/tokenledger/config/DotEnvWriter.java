package dev.tokenledger.config;

import dev.tokenledger.AtomicFile;
import dev.tokenledger.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sets variables in a {@code .env} file for {@code doctor --write-ids}: a variable already assigned
 * gets its value replaced where it stands, a new one is appended, and every other byte of the file
 * stays as it was (comments, {@code export}, CRLF, a missing final newline). The file is replaced
 * atomically (a temporary file in the same directory, then a rename) and keeps its permissions.
 */
public final class DotEnvWriter {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z0-9_.:/@+-]*");
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  /**
   * What a write did.
   *
   * @param replaced variables whose existing line got the new value
   * @param appended variables added at the end of the file
   * @param unchanged variables that already had the value (the file is not rewritten for them)
   */
  public record Result(List<String> replaced, List<String> appended, List<String> unchanged) {
    public Result {
      replaced = List.copyOf(replaced);
      appended = List.copyOf(appended);
      unchanged = List.copyOf(unchanged);
    }

    /** Whether the file was rewritten. */
    public boolean changed() {
      return !replaced.isEmpty() || !appended.isEmpty();
    }
  }

  private DotEnvWriter() {}

  /**
   * Sets {@code variables} (in their iteration order) in {@code file}, creating it owner-only when
   * it does not exist. Values must be plain (letters, digits and {@code _ . : / @ + -}), as key ids
   * are, so they need no quoting.
   *
   * @throws IllegalArgumentException for a name or value that cannot be written unquoted
   * @throws ConfigurationException when the file cannot be read, parsed or replaced
   */
  public static Result setVariables(Path file, Map<String, String> variables) {
    variables.forEach(
        (name, value) -> {
          if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a variable name: " + name);
          }
          if (!PLAIN_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException(
                "the value for "
                    + name
                    + " must be letters, digits and _ . : / @ + - to be written unquoted");
          }
        });
    boolean exists = Files.exists(file);
    Path target;
    String text;
    try {
      // Write next to the real file, so a symbolic link stays a link.
      target = exists ? file.toRealPath() : file.toAbsolutePath();
      // ISO-8859-1 maps every byte to one char and back, so bytes we do not touch survive.
      text = exists ? new String(Files.readAllBytes(target), StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      throw new ConfigurationException("cannot read env file " + file + ": " + e, e);
    }
    List<DotEnvParser.Assignment> assignments =
        DotEnvParser.parse(text, file.toString()).assignments();

    List<String> replaced = new ArrayList<>();
    List<String> appended = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<DotEnvParser.Assignment> toReplace = new ArrayList<>();
    Map<String, String> toAppend = new LinkedHashMap<>();
    variables.forEach(
        (name, value) -> {
          List<DotEnvParser.Assignment> existing =
              assignments.stream().filter(a -> a.name().equals(name)).toList();
          if (existing.isEmpty()) {
            toAppend.put(name, value);
            appended.add(name);
          } else if (existing.stream().allMatch(a -> a.value().equals(value))) {
            unchanged.add(name);
          } else {
            // Every line that sets it, so no stale value is left for another reader.
            toReplace.addAll(existing);
            replaced.add(name);
          }
        });
    Result result = new Result(replaced, appended, unchanged);
    if (!result.changed()) {
      return result;
    }

    StringBuilder out = new StringBuilder(text);
    toReplace.stream()
        .sorted(Comparator.comparingInt(DotEnvParser.Assignment::valueStart).reversed())
        .forEach(a -> out.replace(a.valueStart(), a.valueEnd(), variables.get(a.name())));
    if (!toAppend.isEmpty()) {
      String eol = text.contains("\r\n") ? "\r\n" : "\n";
      boolean endsWithNewline = text.isEmpty() || text.endsWith("\n");
      if (!endsWithNewline) {
        out.append(eol);
      }
      List<String> lines = new ArrayList<>();
      toAppend.forEach((name, value) -> lines.add(name + "=" + value));
      out.append(String.join(eol, lines));
      if (endsWithNewline) {
        out.append(eol);
      }
    }
    replaceAtomically(target, out.toString().getBytes(StandardCharsets.ISO_8859_1));
    return result;
  }

  private static void replaceAtomically(Path target, byte[] bytes) {
    try {
      AtomicFile.write(target, bytes, OWNER_ONLY);
    } catch (IOException e) {
      throw new ConfigurationException("cannot write env file " + target + ": " + e, e);
    }
  }
}
