package dev.tokenledger.config;

import dev.tokenledger.ConfigurationException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code .env} text: {@code KEY=value}, {@code export KEY=value}, single quotes (literal),
 * double quotes (with {@code \n}, {@code \t}, {@code \"} and {@code \\} escapes; both may span
 * lines), {@code #} comment lines, {@code " #"} comments after unquoted values, blank lines, CRLF.
 * Values are taken literally otherwise: no {@code ${VAR}} expansion. Every assignment keeps its
 * line number and the offsets of its value, so a writer can replace a value in place.
 */
final class DotEnvParser {

  /**
   * One {@code KEY=value} line.
   *
   * @param name the variable
   * @param value the value after quotes and escapes are processed
   * @param line the 1-based line the assignment starts on
   * @param valueStart offset of the value's first character as written (an opening quote included)
   * @param valueEnd offset just past the value as written (a closing quote included)
   */
  record Assignment(String name, String value, int line, int valueStart, int valueEnd) {
    @Override
    public String toString() {
      // The value may be a key.
      return name + "=… (line " + line + ")";
    }
  }

  /** The assignments in file order, and the line numbers of lines that were not assignments. */
  record Parsed(List<Assignment> assignments, List<Integer> ignoredLines) {}

  private final String text;
  private final String fileName;
  private int pos;
  private int line = 1;

  private DotEnvParser(String text, String fileName) {
    this.text = text;
    this.fileName = fileName;
  }

  /**
   * Parses {@code text}; {@code fileName} names the file in error messages.
   *
   * @throws ConfigurationException for an unterminated quoted value
   */
  static Parsed parse(String text, String fileName) {
    return new DotEnvParser(text, fileName).parseAll();
  }

  private Parsed parseAll() {
    List<Assignment> assignments = new ArrayList<>();
    List<Integer> ignored = new ArrayList<>();
    if (text.startsWith("\uFEFF")) {
      pos = 1;
    }
    while (pos < text.length()) {
      int startLine = line;
      skipBlanks();
      if (atEndOfLine() || peek() == '#') {
        skipRestOfLine();
        continue;
      }
      if (text.startsWith("export", pos)
          && pos + 6 < text.length()
          && isBlank(text.charAt(pos + 6))) {
        pos += 6;
        skipBlanks();
      }
      Assignment a = assignment(startLine);
      if (a == null) {
        ignored.add(startLine);
        skipRestOfLine();
      } else {
        assignments.add(a);
      }
    }
    return new Parsed(List.copyOf(assignments), List.copyOf(ignored));
  }

  /** Reads {@code NAME = value} up to the end of its line; null when the line is not one. */
  private Assignment assignment(int startLine) {
    int nameStart = pos;
    if (pos >= text.length() || !isNameStart(peek())) {
      return null;
    }
    while (pos < text.length() && isNamePart(peek())) {
      pos++;
    }
    String name = text.substring(nameStart, pos);
    skipBlanks();
    if (pos >= text.length() || peek() != '=') {
      return null;
    }
    pos++;
    int afterEquals = pos;
    skipBlanks();
    boolean blankBeforeValue = pos > afterEquals;
    if (atEndOfLine() || (peek() == '#' && blankBeforeValue)) {
      int at = pos;
      skipRestOfLine();
      return new Assignment(name, "", startLine, at, at);
    }
    char c = peek();
    if (c == '"' || c == '\'') {
      int valueStart = pos;
      String value = quoted(c, name, startLine);
      int valueEnd = pos;
      skipBlanks();
      if (!atEndOfLine() && peek() != '#') {
        return null;
      }
      skipRestOfLine();
      return new Assignment(name, value, startLine, valueStart, valueEnd);
    }
    int valueStart = pos;
    int end = pos;
    while (end < text.length() && text.charAt(end) != '\n') {
      if (text.charAt(end) == '#' && isBlank(text.charAt(end - 1))) {
        break;
      }
      end++;
    }
    int valueEnd = end;
    while (valueEnd > valueStart && isBlankOrCr(text.charAt(valueEnd - 1))) {
      valueEnd--;
    }
    pos = end;
    skipRestOfLine();
    return new Assignment(
        name, text.substring(valueStart, valueEnd), startLine, valueStart, valueEnd);
  }

  /**
   * Reads a quoted value starting at its opening quote; leaves {@code pos} past the closing one.
   */
  private String quoted(char quote, String name, int startLine) {
    StringBuilder value = new StringBuilder();
    pos++;
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == quote) {
        return value.toString();
      }
      if (c == '\n') {
        line++;
      }
      if (c == '\\' && quote == '"' && pos < text.length()) {
        char e = text.charAt(pos++);
        switch (e) {
          case 'n' -> value.append('\n');
          case 't' -> value.append('\t');
          case 'r' -> value.append('\r');
          case '"', '\\' -> value.append(e);
          default -> value.append('\\').append(e);
        }
        if (e == '\n') {
          line++;
        }
        continue;
      }
      value.append(c);
    }
    throw new ConfigurationException(
        fileName
            + ":"
            + startLine
            + ": the "
            + (quote == '"' ? "double" : "single")
            + "-quoted value of "
            + name
            + " is never closed: add the closing "
            + quote);
  }

  private char peek() {
    return text.charAt(pos);
  }

  private boolean atEndOfLine() {
    return pos >= text.length()
        || peek() == '\n'
        || (peek() == '\r' && (pos + 1 == text.length() || text.charAt(pos + 1) == '\n'));
  }

  private void skipBlanks() {
    while (pos < text.length() && isBlank(peek())) {
      pos++;
    }
  }

  private void skipRestOfLine() {
    while (pos < text.length() && peek() != '\n') {
      pos++;
    }
    if (pos < text.length()) {
      pos++;
      line++;
    }
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isBlankOrCr(char c) {
    return isBlank(c) || c == '\r';
  }

  private static boolean isNameStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9') || c == '.';
  }
}
