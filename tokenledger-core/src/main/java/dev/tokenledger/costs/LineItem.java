package dev.tokenledger.costs;

import dev.tokenledger.pricing.PriceField;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Costs API {@code line_item} bills, when it is a model's tokens: {@code
 * "gpt-4o-mini-2024-07-18, input"}, {@code ", cached input"}, {@code ", output"}, with {@code
 * batch} before the kind for Batch API usage and the service tier in brackets after it ({@code ",
 * input (flex)"}).
 *
 * @param model the model snapshot billed
 * @param kind the kind of tokens billed
 * @param batch whether the line bills Batch API usage
 * @param serviceTier the tier in brackets, or {@code null} for the standard tier
 */
record LineItem(String model, PriceField.Kind kind, boolean batch, String serviceTier) {
  private static final Pattern FORM =
      Pattern.compile("^(.+), (batch )?(input|cached input|output)(?: \\((\\w+)\\))?$");

  public LineItem {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(kind, "kind");
  }

  /** The line item read from its text; empty when it is not a model's tokens (or unknown form). */
  public static Optional<LineItem> parse(String lineItem) {
    if (lineItem == null) {
      return Optional.empty();
    }
    Matcher m = FORM.matcher(lineItem.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    PriceField.Kind kind =
        switch (m.group(3)) {
          case "input" -> PriceField.Kind.INPUT;
          case "cached input" -> PriceField.Kind.CACHE_READ;
          default -> PriceField.Kind.OUTPUT;
        };
    String tier = m.group(4) == null ? null : m.group(4).toLowerCase(Locale.ROOT);
    return Optional.of(new LineItem(m.group(1), kind, m.group(2) != null, tier));
  }
}
