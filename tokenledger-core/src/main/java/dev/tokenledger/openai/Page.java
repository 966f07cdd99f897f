package dev.tokenledger.openai;

import java.util.List;

/**
 * One page of a Usage or Costs response: its buckets, whether more follow, and the cursor for the
 * next page ({@code null} on the last page).
 */
public record Page<B>(List<B> buckets, boolean hasMore, String nextPage, long ignoredResults) {
  public Page {
    buckets = List.copyOf(buckets);
  }
}
