package dev.tokenledger.pricing;

import dev.tokenledger.pricing.PriceFileParser.RawEntry;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A table's entries in a form read without a JSON parser, for the packaged table every priced
 * command loads: Jackson's first use (about seventy classes loaded and verified from the jar) took
 * a report a twelfth of its time. One entry per line: its key, its mode (an empty cell when it has
 * none) and each price as {@code field=decimal}, separated by tabs; each decimal as {@link
 * BigDecimal#toString} writes it, which reads back to the same value and scale.
 */
final class PriceLines {
  private PriceLines() {}

  /**
   * {@code entries} as lines.
   *
   * @throws IllegalArgumentException for a key or mode that is empty or holds a tab or a line break
   */
  static String write(Map<String, RawEntry> entries) {
    StringBuilder out = new StringBuilder();
    entries.forEach(
        (key, entry) -> {
          out.append(cell(key, "key", key));
          out.append('\t');
          if (entry.mode().isPresent()) {
            out.append(cell(entry.mode().get(), "mode", key));
          }
          entry
              .prices()
              .forEach(
                  (field, price) ->
                      out.append('\t').append(field.jsonName()).append('=').append(price));
          out.append('\n');
        });
    return out.toString();
  }

  /**
   * The entries {@link #write} wrote, from {@code text}, which starts at line {@code firstLine} of
   * {@code what}: both name the place in the message when it is not such text.
   *
   * @throws IllegalStateException when {@code text} is damaged
   */
  static Map<String, RawEntry> read(String text, String what, int firstLine) {
    Map<String, RawEntry> entries = new LinkedHashMap<>();
    int start = 0;
    int line = firstLine;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        throw damaged(what, line, "its last line has no end");
      }
      String[] cells = text.substring(start, end).split("\t", -1);
      if (cells.length < 2 || cells[0].isEmpty()) {
        throw damaged(what, line, "a line needs a key and a mode");
      }
      EnumMap<PriceField, BigDecimal> prices = new EnumMap<>(PriceField.class);
      for (int i = 2; i < cells.length; i++) {
        int equals = cells[i].indexOf('=');
        Optional<PriceField> field =
            equals < 0 ? Optional.empty() : PriceField.ofJsonName(cells[i].substring(0, equals));
        if (field.isEmpty()) {
          throw damaged(what, line, "'" + cells[i] + "' is not field=price");
        }
        try {
          prices.put(field.get(), new BigDecimal(cells[i].substring(equals + 1)));
        } catch (NumberFormatException e) {
          throw damaged(what, line, "'" + cells[i] + "' has no decimal price");
        }
      }
      Optional<String> mode = cells[1].isEmpty() ? Optional.empty() : Optional.of(cells[1]);
      entries.put(cells[0], new RawEntry(mode, prices, EnumSet.noneOf(PriceField.class)));
      start = end + 1;
      line++;
    }
    return entries;
  }

  /**
   * {@code text} as a cell: refused when empty (an empty mode would read back as none) or when it
   * holds a tab or a line break, which separate cells and lines.
   */
  private static String cell(String text, String what, String key) {
    if (text.isEmpty() || text.indexOf('\t') >= 0 || text.indexOf('\n') >= 0) {
      throw new IllegalArgumentException(
          "the "
              + what
              + " of the price entry '"
              + key.replace("\t", "\\t").replace("\n", "\\n")
              + "' is empty or holds a tab or a line break, which price lines cannot hold: leave"
              + " the entry out or correct it in the LiteLLM file");
    }
    return text;
  }

  private static IllegalStateException damaged(String what, int line, String problem) {
    return new IllegalStateException(
        what + " is damaged at line " + line + ": " + problem + "; rebuild the jar");
  }
}
