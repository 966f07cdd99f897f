package dev.tokenledger.ledger;

/** Whether a run's requests went through a metering proxy (docs/metering.md). */
public enum Metering {
  /** Not metered: the run's figures come from the Usage API alone. */
  NONE(null),
  /** Metered: the run's figures are the sums of its metered requests, audited by reconcile. */
  METERED("metered"),
  /** The meter broke during the run: its figures fall back to the Usage API alone. */
  METER_FAILED("meter_failed");

  private final String stored;

  Metering(String stored) {
    this.stored = stored;
  }

  /** The value of {@code runs.metering}, null for {@link #NONE}. */
  public String stored() {
    return stored;
  }

  /** The metering named by a stored value (null: {@link #NONE}). */
  public static Metering of(String stored) {
    if (stored == null) {
      return NONE;
    }
    for (Metering m : values()) {
      if (stored.equals(m.stored)) {
        return m;
      }
    }
    throw new LedgerException(
        "the ledger holds an unknown metering state '"
            + stored
            + "': expected metered or meter_failed (a newer tokenledger wrote it?)");
  }
}
