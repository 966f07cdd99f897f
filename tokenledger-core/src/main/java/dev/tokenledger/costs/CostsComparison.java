package dev.tokenledger.costs;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.openai.RequestStats;
import dev.tokenledger.pricing.CostTotal;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Billed against estimated dollars per key and day over a window of whole UTC days, and their sum.
 *
 * @param request what was asked
 * @param start the first day's midnight
 * @param end the midnight after the last day
 * @param rows one per key (and project) and day that was billed or used, by day then key
 * @param total the sum of every row; its {@code day} is {@code start}, its key and project null
 * @param priceTableVersion the version of the prices the estimate used
 * @param costsRequests what fetching the Costs API took (zero for a read loaded from the ledger)
 * @param usageRequests what fetching the Usage API took (zero for reads loaded from the ledger)
 */
public record CostsComparison(
    CostsRequest request,
    Instant start,
    Instant end,
    List<KeyDayCost> rows,
    KeyDayCost total,
    String priceTableVersion,
    RequestStats costsRequests,
    RequestStats usageRequests) {

  public CostsComparison {
    Objects.requireNonNull(request, "request");
    rows = List.copyOf(rows);
    Objects.requireNonNull(total, "total");
  }

  /** Whether any key's day is flagged. */
  public boolean anyFlagged() {
    return rows.stream().anyMatch(KeyDayCost::flagged);
  }

  /** The sum of {@code rows} as one row (its causes are the rows' causes). */
  static KeyDayCost sum(Instant start, List<KeyDayCost> rows, boolean flagged) {
    BigDecimal billed = BigDecimal.ZERO;
    CostTotal estimated = CostTotal.EMPTY;
    TokenCounts tokens = TokenCounts.ZERO;
    for (KeyDayCost r : rows) {
      billed = billed.add(r.billed());
      estimated = estimated.plus(r.estimated());
      tokens = tokens.plus(r.tokens());
    }
    return new KeyDayCost(start, null, null, billed, estimated, tokens, List.of(), flagged);
  }
}
