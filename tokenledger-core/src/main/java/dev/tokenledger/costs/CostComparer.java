package dev.tokenledger.costs;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.openai.BucketWidth;
import dev.tokenledger.openai.CostBucket;
import dev.tokenledger.openai.CostResult;
import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.RequestStats;
import dev.tokenledger.openai.UsageBucket;
import dev.tokenledger.openai.UsageResult;
import dev.tokenledger.pricing.Cost;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.CostFlag;
import dev.tokenledger.pricing.CostParts;
import dev.tokenledger.pricing.CostTotal;
import dev.tokenledger.pricing.Money;
import dev.tokenledger.pricing.PriceTier;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Puts the Costs API's billed dollars beside the Usage API's tokens priced with tokenledger's price
 * table, per key and day (docs/design.md §6), and names what it can see that would explain a
 * difference: unpriced models, tier usage, a billed rate per token that is not the table's, billed
 * items without token usage.
 */
public final class CostComparer {
  /** Differences smaller than this round to $0.0000 in a table and are never flagged. */
  static final BigDecimal VISIBLE = new BigDecimal("0.00005");

  private static final MathContext RATE = new MathContext(4);
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final BucketWidth DAY = BucketWidth.DAY;

  private final CostCalculator calculator;

  public CostComparer(CostCalculator calculator) {
    this.calculator = Objects.requireNonNull(calculator, "calculator");
  }

  /**
   * Compares the reads of {@link CostsFetcher#plan} (fetched now, or kept in the ledger): one read
   * of the Costs API and the usage reads, none failed. Only the days, keys and projects of {@code
   * request} count, so reads that cover more may be used.
   *
   * @throws IllegalArgumentException when a read failed or there is not exactly one costs read
   */
  public CostsComparison compare(CostsRequest request, List<CostsRead> reads) {
    List<CostBucket> costBuckets = new ArrayList<>();
    List<UsageBucket> usageBuckets = new ArrayList<>();
    RequestStats costsStats = null;
    RequestStats usageStats = new RequestStats(0, 0, 0);
    for (CostsRead read : reads) {
      if (read.failed()) {
        throw new IllegalArgumentException(
            "the read of " + read.spec().endpoint() + " failed and cannot be compared");
      }
      if (read.spec().isCosts()) {
        if (costsStats != null) {
          throw new IllegalArgumentException("a comparison takes one read of the Costs API");
        }
        costsStats = read.requests();
        costBuckets.addAll(read.costBuckets());
      } else {
        usageStats = plus(usageStats, read.requests());
        usageBuckets.addAll(read.usageBuckets());
      }
    }
    if (costsStats == null) {
      throw new IllegalArgumentException("a comparison needs a read of the Costs API");
    }
    return compare(
        request,
        DAY.floor(request.start()),
        DAY.ceil(request.end()),
        costBuckets,
        usageBuckets,
        costsStats,
        usageStats);
  }

  private static RequestStats plus(RequestStats a, RequestStats b) {
    return new RequestStats(
        a.pages() + b.pages(),
        a.httpRequests() + b.httpRequests(),
        a.ignoredResults() + b.ignoredResults());
  }

  /** Compares buckets of {@code [start, end)}; rows outside the request's filters are left out. */
  CostsComparison compare(
      CostsRequest request,
      Instant start,
      Instant end,
      List<CostBucket> costBuckets,
      List<UsageBucket> usageBuckets,
      RequestStats costsStats,
      RequestStats usageStats) {
    Map<KeyDay, Account> accounts = new TreeMap<>(KeyDay.ORDER);
    for (CostBucket bucket : costBuckets) {
      Instant day = DAY.floor(bucket.start());
      if (outside(day, start, end)) {
        continue;
      }
      for (CostResult r : bucket.results()) {
        if (r.amount() == null || !wanted(request, r.apiKeyId(), r.projectId())) {
          continue;
        }
        accounts
            .computeIfAbsent(new KeyDay(day, r.projectId(), r.apiKeyId()), k -> new Account())
            .bill(r);
      }
    }
    for (UsageBucket bucket : usageBuckets) {
      Instant day = DAY.floor(bucket.start());
      if (outside(day, start, end)) {
        continue;
      }
      for (UsageResult r : bucket.results()) {
        if (!(r instanceof UsageResult.Completions) && !(r instanceof UsageResult.Embeddings)) {
          continue;
        }
        TokenCounts tokens = r.tokens();
        String key = (String) r.dimension(Dimension.API_KEY_ID);
        if (tokens.isZero() || !wanted(request, key, r.projectId())) {
          continue;
        }
        Object model = r.dimension(Dimension.MODEL);
        boolean batch = Boolean.TRUE.equals(r.dimension(Dimension.BATCH));
        String tier = (String) r.dimension(Dimension.SERVICE_TIER);
        Cost cost =
            calculator.cost(model == null ? "(no model)" : model.toString(), tokens, batch, tier);
        accounts
            .computeIfAbsent(new KeyDay(day, r.projectId(), key), k -> new Account())
            .use(new Used(cost, tokens, batch, tier));
      }
    }
    List<KeyDayCost> rows = new ArrayList<>();
    accounts.forEach((k, a) -> rows.add(a.settle(k, request.tolerance())));
    KeyDayCost sum = CostsComparison.sum(start, rows, false);
    KeyDayCost total =
        CostsComparison.sum(
            start, rows, flagged(sum.billed(), sum.estimated(), request.tolerance()));
    return new CostsComparison(
        request,
        start,
        end,
        rows,
        total,
        calculator.priceTable().version(),
        costsStats,
        usageStats);
  }

  private static boolean outside(Instant day, Instant start, Instant end) {
    return day.isBefore(start) || !day.isBefore(end);
  }

  /** Whether a row of {@code apiKeyId} and {@code projectId} is among what was asked for. */
  private static boolean wanted(CostsRequest request, String apiKeyId, String projectId) {
    return (request.apiKeyIds().isEmpty() || request.apiKeyIds().contains(apiKeyId))
        && (request.projectIds().isEmpty() || request.projectIds().contains(projectId));
  }

  private static boolean flagged(BigDecimal billed, CostTotal estimated, BigDecimal tolerance) {
    if (estimated.total().isEmpty()) {
      return billed.compareTo(VISIBLE) >= 0;
    }
    BigDecimal difference = estimated.total().get().subtract(billed).abs();
    if (difference.compareTo(VISIBLE) < 0) {
      return false;
    }
    return billed.signum() == 0 || difference.compareTo(tolerance.multiply(billed)) > 0;
  }

  /** The identity of one row: day, project, key. */
  private record KeyDay(Instant day, String projectId, String apiKeyId) {
    static final Comparator<KeyDay> ORDER =
        Comparator.comparing(KeyDay::day)
            .thenComparing(KeyDay::apiKeyId, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(KeyDay::projectId, Comparator.nullsLast(Comparator.naturalOrder()));
  }

  /** One usage row priced. */
  private record Used(Cost cost, TokenCounts tokens, boolean batch, String tier) {}

  /** A key's day while it is being added up. */
  private final class Account {
    private BigDecimal billed = BigDecimal.ZERO;
    private final List<CostResult> lines = new ArrayList<>();
    private final List<Used> used = new ArrayList<>();
    private CostTotal estimated = CostTotal.EMPTY;
    private TokenCounts tokens = TokenCounts.ZERO;

    void bill(CostResult line) {
      billed = billed.add(line.amount());
      lines.add(line);
    }

    void use(Used row) {
      used.add(row);
      estimated = estimated.plus(row.cost());
      tokens = tokens.plus(row.tokens());
    }

    KeyDayCost settle(KeyDay key, BigDecimal tolerance) {
      List<CostCause> causes = new ArrayList<>();
      for (String model : estimated.unpricedModels()) {
        causes.add(
            new CostCause(
                CostCause.Kind.UNPRICED_MODEL,
                model,
                model
                    + " is not in the price table: its tokens are missing from the estimate; add"
                    + " its prices in an override file (--prices)"));
      }
      rateCauses(tolerance, causes);
      tierCauses(causes);
      if (billed.signum() == 0
          && estimated.total().orElse(BigDecimal.ZERO).compareTo(VISIBLE) >= 0) {
        causes.add(
            new CostCause(
                CostCause.Kind.USAGE_NOT_BILLED,
                null,
                "tokens were used but nothing is billed yet: the Costs API can lag the Usage"
                    + " API by a day"));
      }
      return new KeyDayCost(
          key.day(),
          key.projectId(),
          key.apiKeyId(),
          billed,
          estimated,
          tokens,
          causes,
          flagged(billed, estimated, tolerance));
    }

    private void rateCauses(BigDecimal tolerance, List<CostCause> causes) {
      Set<String> usedModels = new LinkedHashSet<>();
      used.forEach(u -> usedModels.add(u.cost().model()));
      Map<String, BigDecimal> withoutUsage = new LinkedHashMap<>();
      for (CostResult line : lines) {
        LineItem item = LineItem.parse(line.lineItem()).orElse(null);
        if (item == null || !usedModels.contains(item.model())) {
          if (line.amount().signum() != 0) {
            withoutUsage.merge(
                line.lineItem() == null ? "(no line item)" : line.lineItem(),
                line.amount(),
                BigDecimal::add);
          }
          continue;
        }
        Long quantity = tokenQuantity(line);
        if (quantity == null || quantity == 0) {
          continue;
        }
        BigDecimal expected = expected(item, quantity);
        if (expected == null) {
          continue;
        }
        BigDecimal difference = line.amount().subtract(expected).abs();
        if (difference.compareTo(VISIBLE) >= 0
            && difference.compareTo(tolerance.multiply(expected)) > 0) {
          causes.add(
              new CostCause(
                  CostCause.Kind.RATE_DIFFERS,
                  item.model(),
                  line.lineItem()
                      + ": billed "
                      + perMillion(line.amount(), quantity)
                      + " per 1M tokens, the price table has "
                      + perMillion(expected, quantity)
                      + " ("
                      + calculator.priceTable().lookup(item.model()).orElseThrow().modelKey()
                      + ")"));
        }
      }
      withoutUsage.forEach(
          (item, amount) ->
              causes.add(
                  new CostCause(
                      CostCause.Kind.BILLED_WITHOUT_USAGE,
                      item,
                      "billed $"
                          + Money.forTable(amount).toPlainString()
                          + " for \""
                          + item
                          + "\" without completions or embeddings tokens behind it (images,"
                          + " audio, tools, fine-tuning are not estimated)")));
    }

    /** What the table says {@code quantity} tokens of the line item cost; null when unpriced. */
    private BigDecimal expected(LineItem item, long quantity) {
      TokenCounts tokens =
          switch (item.kind()) {
            case INPUT -> new TokenCounts(quantity, 0, 0, 0);
            case CACHE_READ -> new TokenCounts(quantity, quantity, 0, 0);
            case OUTPUT -> new TokenCounts(0, 0, quantity, 0);
          };
      Cost cost = calculator.cost(item.model(), tokens, item.batch(), item.serviceTier());
      if (!cost.isPriced()) {
        return null;
      }
      CostParts parts = cost.parts().orElseThrow();
      return switch (item.kind()) {
        case INPUT -> parts.uncachedInput();
        case CACHE_READ -> parts.cachedInput();
        case OUTPUT -> parts.output();
      };
    }

    private void tierCauses(List<CostCause> causes) {
      Map<String, Long> tierTokens = new LinkedHashMap<>();
      Map<String, Set<CostFlag>> tierFlags = new LinkedHashMap<>();
      for (Used u : used) {
        String tier = tierName(u);
        if (tier == null) {
          continue;
        }
        String key = u.cost().model() + "\u0000" + tier;
        tierTokens.merge(key, u.tokens().total(), Long::sum);
        tierFlags.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(u.cost().flags());
      }
      tierTokens.forEach(
          (key, total) -> {
            String[] parts = key.split("\u0000");
            String how =
                tierFlags.get(key).stream().anyMatch(CostComparer::tierMissing)
                    ? "priced partly at standard prices: the table has no " + parts[1] + " price"
                    : "priced at the table's " + parts[1] + " prices";
            causes.add(
                new CostCause(
                    CostCause.Kind.TIER_USAGE,
                    parts[0],
                    parts[0]
                        + ": "
                        + String.format(Locale.ROOT, "%,d", total)
                        + " tokens of "
                        + parts[1]
                        + " usage, "
                        + how));
          });
    }
  }

  private static boolean tierMissing(CostFlag flag) {
    return flag == CostFlag.BATCH_PRICE_MISSING
        || flag == CostFlag.FLEX_PRICE_MISSING
        || flag == CostFlag.PRIORITY_PRICE_MISSING
        || flag == CostFlag.UNKNOWN_SERVICE_TIER;
  }

  private static String tierName(Used u) {
    if (u.batch()) {
      return "batch";
    }
    PriceTier tier = u.cost().tier();
    if (tier != PriceTier.STANDARD) {
      return tier.name().toLowerCase(Locale.ROOT);
    }
    return u.cost().flags().contains(CostFlag.UNKNOWN_SERVICE_TIER) ? u.tier() : null;
  }

  /** The line's quantity in tokens, or null when it is not counted in tokens. */
  private static Long tokenQuantity(CostResult line) {
    if (line.quantity() == null) {
      return null;
    }
    String unit = line.quantityUnit() == null ? "tokens" : line.quantityUnit();
    BigDecimal q =
        switch (unit) {
          case "tokens" -> line.quantity();
          case "1000_tokens" -> line.quantity().multiply(BigDecimal.valueOf(1000));
          default -> null;
        };
    return q == null ? null : q.longValue();
  }

  private static String perMillion(BigDecimal amount, long tokens) {
    BigDecimal rate =
        amount.multiply(MILLION).divide(BigDecimal.valueOf(tokens), RATE).stripTrailingZeros();
    return "$" + (rate.scale() < 0 ? rate.setScale(0) : rate).toPlainString();
  }
}
