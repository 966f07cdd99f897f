package dev.tokenledger.ledger;

import dev.tokenledger.Require;
import java.time.Instant;

/**
 * A price table as the ledger keeps it: its version, where it came from, when it first and last
 * priced a figure, and its OpenAI entries as LiteLLM JSON ({@code content}, null in listings).
 *
 * @param version the version every figure priced from it names
 * @param source the file or resource it was loaded from, for people
 * @param models how many models it prices
 * @param firstUsedAt when it was first recorded
 * @param lastUsedAt when it last priced a figure
 * @param content the entries as JSON, or null in a listing
 */
public record StoredPriceTable(
    String version,
    String source,
    int models,
    Instant firstUsedAt,
    Instant lastUsedAt,
    String content) {

  public StoredPriceTable {
    Require.nonNull("version source", version, source);
  }
}
