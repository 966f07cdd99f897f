package dev.tokenledger.costs.service;

import dev.tokenledger.costs.CostsRead;
import java.util.List;

/**
 * Where the figures of a costs comparison came from: its reads with their ledger ids, the ledger
 * they are kept in, and whether they were loaded from it ({@code --offline}) instead of fetched.
 *
 * @param ledger the ledger holding every read, or {@code null} when they were not all stored
 * @param offline whether the reads were loaded from the ledger
 * @param reads the reads in the order fetched
 */
public record Provenance(String ledger, boolean offline, List<Read> reads) {
  public Provenance {
    reads = List.copyOf(reads);
  }

  /** A read and its id in the ledger ({@code null} when it was not stored). */
  public record Read(Long id, CostsRead read) {}
}
