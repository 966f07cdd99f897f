package dev.tokenledger.sim;

import dev.tokenledger.TokenCounts;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The simulator's own price list, so that the Costs API bills with prices of its own and a
 * comparison of billed dollars with tokenledger's estimate compares two sources, not one table with
 * itself. USD per 1M tokens as OpenAI's public price list gives them for the models the simulator
 * serves; a dated snapshot is billed as its model, a fine-tuned model as its base model. A price
 * the list does not give for a tier is billed at the standard price, a missing cached-input price
 * at the standard cached price or else the input price.
 */
final class SimPriceList implements SimPricing {
  private static final Pattern DATE_SUFFIX = Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$");

  /** One model's prices in USD per 1M tokens; null where the list gives none. */
  private record Prices(
      String input,
      String cached,
      String output,
      String batchInput,
      String batchOutput,
      String flexInput,
      String flexCached,
      String flexOutput,
      String priorityInput,
      String priorityCached,
      String priorityOutput) {}

  private static Prices standard(
      String in, String cached, String out, String batchIn, String batchOut) {
    return new Prices(in, cached, out, batchIn, batchOut, null, null, null, null, null, null);
  }

  private static final Map<String, Prices> LIST =
      Map.ofEntries(
          Map.entry(
              "gpt-4o-mini",
              new Prices(
                  "0.15", "0.075", "0.6", "0.075", "0.3", null, null, null, "0.25", "0.125", "1")),
          Map.entry(
              "gpt-4o",
              new Prices(
                  "2.5", "1.25", "10", "1.25", "5", null, null, null, "4.25", "2.125", "17")),
          Map.entry(
              "gpt-4.1",
              new Prices("2", "0.5", "8", "1", "4", null, null, null, "3.5", "0.875", "14")),
          Map.entry(
              "gpt-4.1-mini",
              new Prices(
                  "0.4", "0.1", "1.6", "0.2", "0.8", null, null, null, "0.7", "0.175", "2.8")),
          Map.entry(
              "gpt-4.1-nano",
              new Prices(
                  "0.1", "0.025", "0.4", "0.05", "0.2", null, null, null, "0.2", "0.05", "0.8")),
          Map.entry("o3-mini", standard("1.1", "0.55", "4.4", null, null)),
          Map.entry(
              "o3",
              new Prices("2", "0.5", "8", null, null, "1", "0.25", "4", "3.5", "0.875", "14")),
          Map.entry(
              "o4-mini",
              new Prices(
                  "1.1", "0.275", "4.4", null, null, "0.55", "0.1375", "2.2", "2", "0.5", "8")),
          Map.entry(
              "gpt-5",
              new Prices(
                  "1.25", "0.125", "10", null, null, "0.625", "0.0625", "5", "2.5", "0.25", "20")),
          Map.entry(
              "gpt-5-mini",
              new Prices(
                  "0.25", "0.025", "2", null, null, "0.125", "0.0125", "1", "0.45", "0.045",
                  "3.6")),
          Map.entry(
              "gpt-5-nano",
              new Prices(
                  "0.05", "0.005", "0.4", null, null, "0.025", "0.0025", "0.2", null, null, null)),
          Map.entry("text-embedding-3-small", standard("0.02", null, "0", "0.01", "0")),
          Map.entry("text-embedding-3-large", standard("0.13", null, "0", "0.065", "0")),
          Map.entry("text-embedding-ada-002", standard("0.1", null, "0", null, null)),
          Map.entry("gpt-3.5-turbo", standard("0.5", null, "1.5", null, null)));

  static final SimPriceList INSTANCE = new SimPriceList();

  private SimPriceList() {}

  @Override
  public Optional<Amounts> price(String model, boolean batch, String serviceTier, TokenCounts t) {
    return find(model)
        .map(
            p -> {
              String input = p.input;
              String cached = p.cached;
              String output = p.output;
              if (batch) {
                input = or(p.batchInput, input);
                output = or(p.batchOutput, output);
              } else if ("flex".equals(serviceTier)) {
                input = or(p.flexInput, input);
                cached = or(p.flexCached, cached);
                output = or(p.flexOutput, output);
              } else if ("priority".equals(serviceTier)) {
                input = or(p.priorityInput, input);
                cached = or(p.priorityCached, cached);
                output = or(p.priorityOutput, output);
              }
              return new Amounts(
                  times(input, t.uncachedInput()),
                  times(or(cached, input), t.cachedInput()),
                  times(output, t.output()));
            });
  }

  private static Optional<Prices> find(String model) {
    String name = model;
    if (name.startsWith("ft:")) {
      int end = name.indexOf(':', 3);
      name = end < 0 ? name.substring(3) : name.substring(3, end);
    }
    Prices exact = LIST.get(name);
    if (exact != null) {
      return Optional.of(exact);
    }
    return Optional.ofNullable(LIST.get(DATE_SUFFIX.matcher(name).replaceFirst("")));
  }

  private static String or(String price, String fallback) {
    return price != null ? price : fallback;
  }

  private static BigDecimal times(String perMillion, long tokens) {
    return new BigDecimal(perMillion).movePointLeft(6).multiply(BigDecimal.valueOf(tokens));
  }
}
