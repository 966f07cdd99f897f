package dev.tokenledger.cli.shared;

/** The documented exit codes of every tokenledger command (docs/design.md §10). */
public final class ExitCode {
  /** Everything worked. */
  public static final int OK = 0;

  /** A failure that fits no other code (a ledger error, an unexpected bug). */
  public static final int FAILURE = 1;

  /** The command line was wrong: unknown option, bad value. */
  public static final int USAGE = 2;

  /** Configuration is missing or wrong: no key, unreadable file, bad setting. */
  public static final int CONFIG = 3;

  /** The API refused the key: 401/403, missing scope, invalid key. */
  public static final int KEY_REFUSED = 4;

  /** The API or the network failed after retries, or answered with something unreadable. */
  public static final int API_FAILURE = 5;

  /** Reconcile finished but some runs are in warning. */
  public static final int WARNINGS = 6;

  private ExitCode() {}
}
