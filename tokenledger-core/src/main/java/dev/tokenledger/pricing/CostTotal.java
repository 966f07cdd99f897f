package dev.tokenledger.pricing;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collector;

/**
 * A sum of costs: the priced parts added up, and a status saying whether every row was priced
 * ({@code PRICED}), some were not ({@code PARTIAL}: the amount is a lower bound), or none was
 * ({@code UNPRICED}: no amount). A sum of no rows is PRICED at zero.
 *
 * @param status the completeness of the amount
 * @param parts the sum of the priced rows' parts; empty when UNPRICED
 * @param pricedRows how many rows had a price
 * @param unpricedRows how many rows had none
 * @param unpricedModels the models of the unpriced rows, sorted
 * @param flags every flag of every row
 * @param priceTableVersions the versions of the tables used, sorted
 */
public record CostTotal(
    CostStatus status,
    Optional<CostParts> parts,
    long pricedRows,
    long unpricedRows,
    Set<String> unpricedModels,
    Set<CostFlag> flags,
    Set<String> priceTableVersions) {

  /** The sum of nothing: PRICED, $0. */
  public static final CostTotal EMPTY =
      new CostTotal(
          CostStatus.PRICED, Optional.of(CostParts.ZERO), 0, 0, Set.of(), Set.of(), Set.of());

  public CostTotal {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(parts, "parts");
    if (pricedRows < 0 || unpricedRows < 0) {
      throw new IllegalArgumentException("row counts cannot be negative");
    }
    CostStatus expected =
        unpricedRows == 0
            ? CostStatus.PRICED
            : pricedRows == 0 ? CostStatus.UNPRICED : CostStatus.PARTIAL;
    if (status != expected) {
      throw new IllegalArgumentException(
          "status must be "
              + expected
              + " for "
              + pricedRows
              + " priced and "
              + unpricedRows
              + " unpriced rows, was "
              + status);
    }
    if (parts.isPresent() == (status == CostStatus.UNPRICED)) {
      throw new IllegalArgumentException("an UNPRICED total has no parts, any other total has");
    }
    unpricedModels = sorted(unpricedModels);
    flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
    priceTableVersions = sorted(priceTableVersions);
  }

  /**
   * An unmodifiable sorted copy; none or one element as {@code Set.of}, which is sorted too: a sum
   * of many rows (a report adds one per usage line) mostly holds one price table and no model.
   */
  private static Set<String> sorted(Set<String> values) {
    return switch (values.size()) {
      case 0 -> Set.of();
      case 1 -> Set.of(values.iterator().next());
      default -> Collections.unmodifiableSet(new TreeSet<>(values));
    };
  }

  /** The union of two sets; one of them when it holds the other, as it mostly does in a sum. */
  private static <T> Set<T> union(Set<T> a, Set<T> b, Supplier<Set<T>> empty) {
    if (a.containsAll(b)) {
      return a;
    }
    if (b.containsAll(a)) {
      return b;
    }
    Set<T> out = empty.get();
    out.addAll(a);
    out.addAll(b);
    return out;
  }

  /** The sum of {@code costs}. */
  public static CostTotal of(Iterable<Cost> costs) {
    CostTotal total = EMPTY;
    for (Cost c : costs) {
      total = total.plus(c);
    }
    return total;
  }

  /** Collects costs into their total. */
  public static Collector<Cost, ?, CostTotal> collector() {
    return Collector.of(
        () -> new CostTotal[] {EMPTY},
        (acc, cost) -> acc[0] = acc[0].plus(cost),
        (a, b) -> new CostTotal[] {a[0].plus(b[0])},
        acc -> acc[0]);
  }

  /** This total with one more row (the sum with that row's total, without making it). */
  public CostTotal plus(Cost cost) {
    boolean priced = cost.isPriced();
    return plus(
        priced ? 1 : 0,
        priced ? 0 : 1,
        cost.parts(),
        priced ? Set.of() : Set.of(cost.model()),
        cost.flags(),
        Set.of(cost.priceTableVersion()));
  }

  /** The sum of two totals, e.g. of two groups. */
  public CostTotal plus(CostTotal other) {
    return plus(
        other.pricedRows,
        other.unpricedRows,
        other.parts,
        other.unpricedModels,
        other.flags,
        other.priceTableVersions);
  }

  private CostTotal plus(
      long otherPriced,
      long otherUnpriced,
      Optional<CostParts> otherParts,
      Set<String> otherUnpricedModels,
      Set<CostFlag> otherFlags,
      Set<String> otherVersions) {
    long priced = pricedRows + otherPriced;
    long unpriced = unpricedRows + otherUnpriced;
    CostStatus combined =
        unpriced == 0 ? CostStatus.PRICED : priced == 0 ? CostStatus.UNPRICED : CostStatus.PARTIAL;
    Optional<CostParts> sum =
        combined == CostStatus.UNPRICED
            ? Optional.empty()
            : Optional.of(parts.orElse(CostParts.ZERO).plus(otherParts.orElse(CostParts.ZERO)));
    return new CostTotal(
        combined,
        sum,
        priced,
        unpriced,
        union(unpricedModels, otherUnpricedModels, TreeSet::new),
        union(flags, otherFlags, () -> EnumSet.noneOf(CostFlag.class)),
        union(priceTableVersions, otherVersions, TreeSet::new));
  }

  /** The total in USD, unrounded: the priced rows' sum; empty when UNPRICED. */
  public Optional<BigDecimal> total() {
    return parts.map(CostParts::total);
  }
}
