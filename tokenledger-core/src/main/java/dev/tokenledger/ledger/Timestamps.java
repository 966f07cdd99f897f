package dev.tokenledger.ledger;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
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
    Instant fixed = parseFixed(stored);
    if (fixed != null) {
      return fixed;
    }
    try {
      return Instant.parse(stored);
    } catch (DateTimeParseException e) {
      throw new LedgerException("the ledger holds a malformed instant '" + stored + "'", e);
    }
  }

  /**
   * The instant of a value in the stored form ({@code uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'}) read by
   * position, without a formatter: every run and step read parses several. Null for anything else
   * (another form, an impossible date or time), which {@link Instant#parse} then judges.
   */
  private static Instant parseFixed(String s) {
    if (s.length() != 27
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || s.charAt(19) != '.'
        || s.charAt(26) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int micros = digits(s, 20, 26);
    if (year < 1 || month < 1 || day < 1) {
      return null;
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    if (micros < 0) {
      return null;
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null; // month 13, 30 February: Instant.parse says what is wrong
    }
    return Instant.ofEpochSecond(
        epochDay * 86_400 + hour * 3_600 + minute * 60 + second, micros * 1_000L);
  }

  /** The number in {@code s} from {@code from} to {@code to}; -1 when a character is no digit. */
  private static int digits(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      n = n * 10 + d;
    }
    return n;
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
