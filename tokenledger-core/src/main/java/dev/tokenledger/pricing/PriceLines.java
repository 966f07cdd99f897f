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
 * a report a twelfth of its time. One entry per line: its key, its mode (empty when it has none)
 * and each price as {@code field=decimal}, separated by tabs; each decimal as {@link
 * BigDecimal#toString} writes it, which reads back to the same value and scale.
 */
final class PriceLines {
  private PriceLines() {}

  static String write(Map<String, RawEntry> entries) {
    StringBuilder out = new StringBuilder();
    entries.forEach(
        (key, entry) -> {
          out.append(plain(key, "key"));
          out.append('\t').append(plain(entry.mode().orElse(""), "mode of " + key));
          entry
              .prices()
              .forEach(
                  (field, price) ->
                      out.append('\t').append(field.jsonName()).append('=').append(price));
          out.append('\n');
        });
    return out.toString();
  }

  /** The entries {@link #write} wrote; {@code what} names the text in the message if it is not. */
  static Map<String, RawEntry> read(String text, String what) {
    Map<String, RawEntry> entries = new LinkedHashMap<>();
    int start = 0;
    int line = 1;
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
   * {@code text}, refused if it holds what separates cells or lines, or is empty where a mode is.
   */
  private static String plain(String text, String what) {
    if (text.indexOf('\t') >= 0
        || text.indexOf('\n') >= 0
        || (what.equals("key") && text.isEmpty())) {
      throw new IllegalArgumentException(
          "the "
              + what
              + " '"
              + text
              + "' cannot be written as a price line (an empty key, a tab or a line break)");
    }
    return text;
  }

  private static IllegalStateException damaged(String what, int line, String problem) {
    return new IllegalStateException(
        "the price table "
            + what
            + " is damaged at line "
            + line
            + ": "
            + problem
            + "; rebuild the jar");
  }
}
