package dev.tokenledger.openai;

import java.util.List;

/**
 * One page of a Usage or Costs response: its buckets, whether more follow, the cursor for the next
 * page ({@code null} on the last page), and how many result rows were skipped because their {@code
 * object} type is unknown.
 */
public record Page<B>(List<B> buckets, boolean hasMore, String nextPage, long ignoredResults) {
  public Page {
    buckets = List.copyOf(buckets);
  }
}
