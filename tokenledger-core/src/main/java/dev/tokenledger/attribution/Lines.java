package dev.tokenledger.attribution;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.UsageLine;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/** Sums over lists of rows. */
final class Lines {
  private Lines() {}

  static TokenCounts total(List<UsageRow> rows) {
    TokenCounts sum = TokenCounts.ZERO;
    for (UsageRow row : rows) {
      sum = sum.plus(row.counts());
    }
    return sum;
  }

  static SortedMap<UsageLine, TokenCounts> byLine(List<UsageRow> rows) {
    TreeMap<UsageLine, TokenCounts> sums = new TreeMap<>();
    for (UsageRow row : rows) {
      sums.merge(row.line(), row.counts(), TokenCounts::plus);
    }
    return Collections.unmodifiableSortedMap(sums);
  }
}
