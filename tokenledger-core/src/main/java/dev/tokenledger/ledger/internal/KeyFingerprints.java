package dev.tokenledger.ledger.internal;

import dev.tokenledger.ledger.Timestamps;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** What the ledger knows of key fingerprints: the key id each one resolved to. */
public final class KeyFingerprints {
  private KeyFingerprints() {}

  /** The key id {@code fingerprint} resolved to, if it did. */
  public static Optional<String> idOf(Connection c, String fingerprint) throws SQLException {
    return Sql.list(
            c,
            "SELECT api_key_id FROM key_fingerprints WHERE fingerprint = ?"
                + " AND api_key_id IS NOT NULL",
            rs -> rs.getString(1),
            fingerprint)
        .stream()
        .findFirst();
  }

  /** Records that {@code fingerprint} is key {@code apiKeyId}, unless it resolved already. */
  public static void resolveIfUnknown(
      Connection c, String fingerprint, String apiKeyId, Instant now) throws SQLException {
    Sql.update(
        c,
        "INSERT INTO key_fingerprints (fingerprint, api_key_id, first_seen_at, resolved_at)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (fingerprint) DO UPDATE SET"
            + " api_key_id = excluded.api_key_id, resolved_at = excluded.resolved_at"
            + " WHERE key_fingerprints.api_key_id IS NULL",
        fingerprint,
        apiKeyId,
        Timestamps.format(now),
        Timestamps.format(now));
  }
}
