package dev.tokenledger.cli.prices;

import dev.tokenledger.pricing.PriceMatch;
import java.util.Optional;

/** A model name asked about and the price entry found for it, if any. */
record ShownPrice(String model, Optional<PriceMatch> match) {}
