package dev.tokenledger.doctor;

/** How one doctor check came out. */
public enum CheckStatus {
  /** Nothing to do. */
  OK,
  /** Works, but worth a look (a world-readable {@code .env}, a legacy variable name). */
  WARN,
  /** Accounting cannot work until this is fixed. */
  FAIL,
  /** Not run: offline, or an earlier check already failed for the same reason. */
  SKIPPED
}
