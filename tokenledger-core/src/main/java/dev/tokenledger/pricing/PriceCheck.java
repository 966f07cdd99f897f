package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Looks for prices that are missing or look wrong for the models a ledger used: the LiteLLM table
 * is community-edited and has mistakes (in the packaged snapshot, gpt-5-nano's priority input price
 * is 50 times its standard one).
 */
public final class PriceCheck {
  /**
   * The largest plausible ratio of a priority price to the standard one: OpenAI's priority tier
   * costs about 1.7 to 2 times standard.
   */
  public static final BigDecimal PRIORITY_MAX_RATIO = BigDecimal.valueOf(3);

  private static final Set<String> FREE_MODES = Set.of("moderation");
  private static final String FIX =
      "check it against OpenAI's pricing and correct it in an override file (--prices)";

  private PriceCheck() {}

  /** The findings for each distinct model in {@code models}, in order; empty when all is well. */
  public static List<PriceFinding> check(PriceTable table, Collection<String> models) {
    List<PriceFinding> findings = new ArrayList<>();
    for (String model : new LinkedHashSet<>(models)) {
      Optional<PriceMatch> match = table.lookup(model);
      if (match.isEmpty()) {
        String why =
            table.lists(model)
                ? " is in the price table (" + table.version() + ") without per-token prices"
                : " is not in the price table (" + table.version() + ")";
        findings.add(
            new PriceFinding(
                model,
                Optional.empty(),
                Optional.empty(),
                PriceFinding.Kind.UNPRICED,
                model
                    + why
                    + ": its usage is UNPRICED; add input_cost_per_token and"
                    + " output_cost_per_token for it in an override file (--prices)"));
        continue;
      }
      checkPrice(model, match.get(), findings);
    }
    return findings;
  }

  /**
   * The findings about how names seen in use are priced: those without a price, and fine-tuned
   * models priced as their base model. The prices behind priced names are not judged here: {@link
   * #check} of the table's own entries does that once per entry.
   */
  public static List<PriceFinding> lookups(PriceTable table, Collection<String> models) {
    return check(table, models).stream()
        .filter(
            f ->
                f.kind() == PriceFinding.Kind.UNPRICED
                    || f.kind() == PriceFinding.Kind.FINE_TUNED_AS_BASE_MODEL)
        .toList();
  }

  private static void checkPrice(String model, PriceMatch match, List<PriceFinding> out) {
    ModelPrice price = match.price();
    String key = price.key();
    String who = model.equals(key) ? model : model + " (priced as " + key + ")";
    if (match.rule() == LookupRule.FINE_TUNED_AS_BASE_MODEL) {
      out.add(
          finding(
              model,
              key,
              null,
              PriceFinding.Kind.FINE_TUNED_AS_BASE_MODEL,
              who
                  + ": the table has no fine-tuning price for this model, so its base model's is"
                  + " used; fine-tuned inference usually costs more: add an ft: entry in an"
                  + " override file (--prices)"));
    }
    boolean free = price.mode().map(FREE_MODES::contains).orElse(false);
    boolean embedding = price.mode().map("embedding"::equals).orElse(false);
    price
        .prices()
        .forEach(
            (field, value) -> {
              if (value.signum() == 0
                  && !free
                  && !(embedding && field.kind() == PriceField.Kind.OUTPUT)) {
                out.add(
                    finding(
                        model,
                        key,
                        field,
                        PriceFinding.Kind.ZERO_PRICE,
                        who + ": " + field.jsonName() + " is 0: " + FIX));
              }
            });
    for (PriceField field : price.prices().keySet()) {
      BigDecimal value = price.prices().get(field);
      if (value.compareTo(PriceTable.IMPLAUSIBLE_PER_TOKEN) > 0) {
        out.add(
            finding(
                model,
                key,
                field,
                PriceFinding.Kind.IMPLAUSIBLE_PRICE,
                who
                    + ": "
                    + describe(field, value)
                    + " is above $1,000 per 1M tokens, more than any OpenAI model costs: it looks"
                    + " like a price per 1M tokens in a per-token field; write USD per token"
                    + " (0.00000015 for $0.15 per 1M), or use input_price, cached_price and"
                    + " output_price for USD per 1M tokens"));
      }
      if (field.kind() == PriceField.Kind.CACHE_READ) {
        BigDecimal input = price.price(PriceField.Kind.INPUT, field.tier()).orElse(price.input());
        if (value.compareTo(input) > 0) {
          out.add(
              finding(
                  model,
                  key,
                  field,
                  PriceFinding.Kind.CACHE_READ_ABOVE_INPUT,
                  who
                      + ": "
                      + describe(field, value)
                      + " is above the input price ("
                      + perMillion(input)
                      + "); cached input is a discount: "
                      + FIX));
        }
      }
      if (field.tier() == PriceTier.STANDARD) {
        continue;
      }
      Optional<BigDecimal> standard = price.price(field.kind(), PriceTier.STANDARD);
      if (standard.isEmpty() || standard.get().signum() == 0) {
        continue;
      }
      BigDecimal ratio = value.divide(standard.get(), MathContext.DECIMAL64);
      String rule = null;
      if (field.tier() == PriceTier.PRIORITY) {
        if (ratio.compareTo(PRIORITY_MAX_RATIO) > 0) {
          rule = "priority usually costs about 2× standard";
        } else if (ratio.compareTo(BigDecimal.ONE) < 0) {
          rule = "priority costs more than standard, not less";
        }
      } else if (ratio.compareTo(BigDecimal.ONE) > 0) {
        rule = (field.tier() == PriceTier.BATCH ? "batch" : "flex") + " is a discount";
      }
      if (rule != null) {
        out.add(
            finding(
                model,
                key,
                field,
                PriceFinding.Kind.TIER_PRICE_OUT_OF_RANGE,
                who
                    + ": "
                    + describe(field, value)
                    + " is "
                    + ratio.round(new MathContext(3)).stripTrailingZeros().toPlainString()
                    + "× "
                    + PriceField.of(field.kind(), PriceTier.STANDARD).orElseThrow().jsonName()
                    + " ("
                    + perMillion(standard.get())
                    + "); "
                    + rule
                    + ": "
                    + FIX));
      }
    }
  }

  private static PriceFinding finding(
      String model, String key, PriceField field, PriceFinding.Kind kind, String message) {
    return new PriceFinding(model, Optional.of(key), Optional.ofNullable(field), kind, message);
  }

  private static String describe(PriceField field, BigDecimal value) {
    return field.jsonName() + " (" + perMillion(value) + ")";
  }

  private static String perMillion(BigDecimal perToken) {
    return "$" + Money.perMillionTokens(perToken).toPlainString() + " per 1M tokens";
  }
}
