package dev.tokenledger.ledger;

import java.nio.file.Path;

/** The two databases every ledger test runs against. */
public enum Backend {
  SQLITE {
    @Override
    public LedgerLocation newLocation(Path tempDir) {
      return LedgerLocation.sqlite(tempDir.resolve("ledger.db"));
    }
  },
  POSTGRESQL {
    @Override
    public LedgerLocation newLocation(Path tempDir) {
      return LedgerLocation.postgresql(TestPostgres.newDatabaseUrl());
    }
  };

  /** A new, empty ledger location (a file in {@code tempDir}, or a fresh database). */
  public abstract LedgerLocation newLocation(Path tempDir);
}
