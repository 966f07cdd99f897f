package dev.tokenledger.pricing;

/** Whether a cost figure is complete: every token priced, some, or none. */
public enum CostStatus {
  /** Every token was priced. */
  PRICED,
  /** A total in which some rows are priced and some are not: the amount is a lower bound. */
  PARTIAL,
  /** No price was found: the amount is unknown, never $0. */
  UNPRICED
}
