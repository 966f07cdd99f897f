package dev.tokenledger.ledger;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.UsageLine;

/** A run's or step's share of one line (model, tier, batch, project) of one read. */
public record Line(
    long readId,
    Integer stepIndex,
    String endpoint,
    UsageLine line,
    TokenCounts counts,
    boolean apportioned,
    int sharedMinutes,
    long sharedTokens) {}
