package dev.tokenledger.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with a header row: columns padded to their widest cell, text left-aligned and
 * numbers right-aligned. Width is counted in code points so that symbols such as {@code …} line up.
 */
public final class TextTable {
  /** How a column's cells are aligned. */
  public enum Align {
    LEFT,
    RIGHT
  }

  private final List<String> headers;
  private final List<Align> aligns;
  private final List<List<String>> rows = new ArrayList<>();

  private TextTable(List<String> headers, List<Align> aligns) {
    this.headers = headers;
    this.aligns = aligns;
  }

  /** A table with these column headers; all columns left-aligned until {@link #align} says else. */
  public static TextTable withHeaders(String... headers) {
    List<Align> aligns = new ArrayList<>();
    for (int i = 0; i < headers.length; i++) {
      aligns.add(Align.LEFT);
    }
    return new TextTable(List.of(headers), aligns);
  }

  /** Sets the alignment of column {@code index}. */
  public TextTable align(int index, Align align) {
    aligns.set(index, align);
    return this;
  }

  /** Right-aligns the columns {@code indexes} (the numbers). */
  public TextTable alignRight(int... indexes) {
    for (int i : indexes) {
      aligns.set(i, Align.RIGHT);
    }
    return this;
  }

  /** Appends a row; it must have one cell per header. */
  public TextTable row(List<String> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException(
          "a row needs " + headers.size() + " cells, got " + cells.size() + ": " + cells);
    }
    rows.add(List.copyOf(cells));
    return this;
  }

  /** The table as lines, each prefixed with {@code indent}, without trailing spaces. */
  public List<String> render(String indent) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = width(headers.get(i));
      for (List<String> r : rows) {
        widths[i] = Math.max(widths[i], width(r.get(i)));
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(line(indent, headers, widths));
    for (List<String> r : rows) {
      lines.add(line(indent, r, widths));
    }
    return lines;
  }

  private String line(String indent, List<String> cells, int[] widths) {
    StringBuilder sb = new StringBuilder(indent);
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      String pad = " ".repeat(widths[i] - width(cell));
      if (i > 0) {
        sb.append("  ");
      }
      sb.append(aligns.get(i) == Align.RIGHT ? pad + cell : cell + pad);
    }
    return sb.toString().stripTrailing();
  }

  private static int width(String s) {
    return s.codePointCount(0, s.length());
  }
}
