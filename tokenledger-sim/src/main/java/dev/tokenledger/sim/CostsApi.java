package dev.tokenledger.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.TokenCounts;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Answers {@code GET /organization/costs}: daily buckets of dollars per line item ({@code
 * "gpt-4o-mini-2024-07-18, input"}, {@code ", cached input"}, {@code ", output"}; batch usage as
 * {@code ", batch input"} and so on; flex and priority tiers with the tier in brackets), priced
 * from the visible completions and embeddings usage.
 */
final class CostsApi {
  private static final List<String> GROUPS = List.of("project_id", "line_item", "api_key_id");

  private final UsageStore store;
  private final SimPricing pricing;

  CostsApi(UsageStore store, SimPricing pricing) {
    this.store = store;
    this.pricing = pricing;
  }

  /**
   * One line item of served usage: its name ({@code "gpt-4o-mini-2024-07-18, input"}), tokens,
   * dollars.
   */
  private record Line(ServedUsage usage, String item, long quantity, BigDecimal amount) {}

  private static final class Sum {
    BigDecimal amount = BigDecimal.ZERO;
    long quantity;
  }

  ObjectNode query(QueryParams q, Instant now) {
    String width = q.get("bucket_width");
    if (width != null && !width.equals("1d")) {
      throw ApiError.badRequest(
          "Invalid value for 'bucket_width': '"
              + width
              + "'. The costs endpoint supports only '1d'.",
          "bucket_width");
    }
    int limit = BucketPage.limit(q, 7, 180, "1d");
    List<String> groupBy = UsageApi.parseGroupBy(q, GROUPS);
    Set<String> projects = new HashSet<>(q.all("project_ids"));
    Set<String> keys = new HashSet<>(q.all("api_key_ids"));
    BucketPage page =
        BucketPage.plan("/organization/costs", q, BucketWidth.DAY, limit, now.getEpochSecond());

    List<Map<List<String>, Sum>> buckets = new ArrayList<>();
    for (int i = 0; i < page.size(); i++) {
      buckets.add(new HashMap<>());
    }
    if (page.size() > 0) {
      List<Line> lines = new ArrayList<>();
      long from = page.rangeStart();
      long to = page.rangeEnd();
      for (UsageEndpoint endpoint : List.of(UsageEndpoint.COMPLETIONS, UsageEndpoint.EMBEDDINGS)) {
        for (UsageStore.Snapshot s : store.visible(endpoint, from, to, now)) {
          addLines(lines, UsageFiler.served(endpoint, s));
        }
      }
      for (Line l : lines) {
        if ((!projects.isEmpty() && !projects.contains(l.usage().projectId()))
            || (!keys.isEmpty() && !keys.contains(l.usage().apiKeyId()))) {
          continue;
        }
        List<String> key = new ArrayList<>(3);
        key.add(groupBy.contains("line_item") ? l.item() : null);
        key.add(groupBy.contains("project_id") ? l.usage().projectId() : null);
        key.add(groupBy.contains("api_key_id") ? l.usage().apiKeyId() : null);
        Sum sum =
            buckets
                .get(page.indexOf(l.usage().minute().getEpochSecond()))
                .computeIfAbsent(key, k -> new Sum());
        sum.amount = sum.amount.add(l.amount());
        sum.quantity += l.quantity();
      }
    }

    boolean byLineItem = groupBy.contains("line_item");
    return page.toJson(
        buckets,
        (results, row) -> {
          ObjectNode r = results.addObject();
          r.put("object", "organization.costs.result");
          ObjectNode amount = r.putObject("amount");
          amount.put("value", plain(row.getValue().amount));
          amount.put("currency", "usd");
          r.put("line_item", row.getKey().get(0));
          r.put("project_id", row.getKey().get(1));
          r.put("api_key_id", row.getKey().get(2));
          if (byLineItem) {
            r.put("quantity", row.getValue().quantity);
            r.put("quantity_unit", "tokens");
          } else {
            r.putNull("quantity");
            r.putNull("quantity_unit");
          }
        });
  }

  private void addLines(List<Line> lines, ServedUsage u) {
    boolean batch = Boolean.TRUE.equals(u.batch());
    String tier = u.serviceTier() == null ? "default" : u.serviceTier();
    TokenCounts tokens = u.counts();
    Optional<SimPricing.Amounts> priced = pricing.price(u.model(), batch, tier, tokens);
    if (priced.isEmpty()) {
      return;
    }
    SimPricing.Amounts a = priced.get();
    String head = u.model() + ", " + (batch ? "batch " : "");
    String tail = batch || tier.equals("default") ? "" : " (" + tier + ")";
    addLine(lines, u, head + "input" + tail, tokens.uncachedInput(), a.uncachedInput());
    addLine(lines, u, head + "cached input" + tail, tokens.cachedInput(), a.cachedInput());
    addLine(lines, u, head + "output" + tail, tokens.output(), a.output());
  }

  /** A line item of {@code u}'s project and key, when it has tokens. */
  private static void addLine(
      List<Line> lines, ServedUsage u, String item, long quantity, BigDecimal amount) {
    if (quantity > 0) {
      lines.add(new Line(u, item, quantity, amount));
    }
  }

  private static BigDecimal plain(BigDecimal value) {
    BigDecimal v = value.stripTrailingZeros();
    return v.scale() < 0 ? v.setScale(0) : v;
  }
}
