package dev.tokenledger.ledger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * How the ledger stores instants: UTC ISO-8601 text of fixed width with microseconds ({@code
 * 2025-10-27T10:00:00.000000Z}), so that text order is time order in SQLite and PostgreSQL alike.
 */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");

  private Timestamps() {}

  /** The stored form of {@code instant}, truncated to microseconds; null stays null. */
  public static String format(Instant instant) {
    if (instant == null) {
      return null;
    }
    if (instant.isBefore(MIN) || instant.isAfter(MAX)) {
      throw new IllegalArgumentException(
          "instant " + instant + " is outside the years 1 to 9999 the ledger can store");
    }
    return FORMAT.format(instant.truncatedTo(ChronoUnit.MICROS));
  }

  /** The instant of a stored value; null stays null. */
  public static Instant parse(String stored) {
    if (stored == null) {
      return null;
    }
    try {
      return Instant.parse(stored);
    } catch (DateTimeParseException e) {
      throw new LedgerException("the ledger holds a malformed instant '" + stored + "'", e);
    }
  }

  /** The later of two instants, either of which may be null. */
  public static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isAfter(b) ? a : b;
  }
}
