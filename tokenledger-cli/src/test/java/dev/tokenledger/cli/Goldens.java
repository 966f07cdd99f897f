package dev.tokenledger.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares command output with golden files under src/test/resources, showing a line diff on a
 * mismatch; {@code -Dtokenledger.updateGoldens=true} rewrites the files from the output instead.
 */
public final class Goldens {
  /** The system property that makes {@link #assertMatches} write the golden files. */
  public static final String UPDATE_PROPERTY = "tokenledger.updateGoldens";

  private static final Path ROOT = Path.of("src", "test", "resources");
  private static final int MAX_DIFF_LINES = 60;

  private Goldens() {}

  /**
   * Asserts that {@code actual} equals the golden file {@code name} (relative to
   * src/test/resources, e.g. {@code report/by-run.txt}), or writes it when updating.
   */
  public static void assertMatches(String name, String actual) {
    Path file = ROOT.resolve(name);
    try {
      if (Boolean.getBoolean(UPDATE_PROPERTY)) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return;
      }
      if (!Files.isRegularFile(file)) {
        throw new AssertionError(
            "no golden file "
                + file
                + "; create it with mvn test -D"
                + UPDATE_PROPERTY
                + "=true and review it");
      }
      String expected = Files.readString(file, StandardCharsets.UTF_8);
      if (!expected.equals(actual)) {
        throw new AssertionError(
            "output differs from the golden file "
                + file
                + " (- golden, + actual); if the change is intended, rerun with -D"
                + UPDATE_PROPERTY
                + "=true and review the diff\n"
                + diff(expected, actual));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A line diff of {@code expected} and {@code actual}: the changed lines and one line around. */
  static String diff(String expected, String actual) {
    List<String> a = expected.lines().toList();
    List<String> b = actual.lines().toList();
    // longest common subsequence table, from the end
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).equals(b.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> edits = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        edits.add("  " + a.get(i++));
        j++;
      } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
        edits.add("- " + a.get(i++));
      } else {
        edits.add("+ " + b.get(j++));
      }
    }
    StringBuilder out = new StringBuilder();
    int shown = 0;
    boolean skipped = false;
    for (int k = 0; k < edits.size() && shown < MAX_DIFF_LINES; k++) {
      if (near(edits, k)) {
        if (skipped) {
          out.append("  …\n");
        }
        out.append(edits.get(k)).append('\n');
        shown++;
        skipped = false;
      } else {
        skipped = true;
      }
    }
    if (shown == 0) {
      out.append("  (the lines are equal; the line endings or the final newline differ)\n");
    } else if (shown == MAX_DIFF_LINES) {
      out.append("  … (diff cut at ").append(MAX_DIFF_LINES).append(" lines)\n");
    }
    return out.toString();
  }

  private static boolean near(List<String> edits, int k) {
    for (int d = Math.max(0, k - 1); d <= Math.min(edits.size() - 1, k + 1); d++) {
      if (!edits.get(d).startsWith("  ")) {
        return true;
      }
    }
    return false;
  }
}
