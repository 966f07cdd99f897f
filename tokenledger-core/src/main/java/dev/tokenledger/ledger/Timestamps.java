package dev.tokenledger.ledger;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * How the ledger stores instants: UTC ISO-8601 text of fixed width with microseconds ({@code
 * 2025-10-27T10:00:00.000000Z}), so that text order is time order in SQLite and PostgreSQL alike.
 */
public final class Timestamps {
  // 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, without a parser at class load
  private static final Instant MIN = Instant.ofEpochSecond(-62_135_596_800L);
  private static final Instant MAX = Instant.ofEpochSecond(253_402_300_799L, 999_999_000);

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
    return formatFixed(instant);
  }

  /**
   * The stored form of an instant of the years 1 to 9999 ({@code uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'},
   * truncated to microseconds), written by position without a formatter: a reconcile pass stores a
   * hundred thousand instants (every shared minute has one).
   */
  private static String formatFixed(Instant instant) {
    long seconds = instant.getEpochSecond();
    long epochDay = Math.floorDiv(seconds, 86_400);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    LocalDate date = LocalDate.ofEpochDay(epochDay);
    byte[] b = new byte[27];
    put(b, 0, 4, date.getYear());
    b[4] = '-';
    put(b, 5, 7, date.getMonthValue());
    b[7] = '-';
    put(b, 8, 10, date.getDayOfMonth());
    b[10] = 'T';
    put(b, 11, 13, secondOfDay / 3_600);
    b[13] = ':';
    put(b, 14, 16, secondOfDay / 60 % 60);
    b[16] = ':';
    put(b, 17, 19, secondOfDay % 60);
    b[19] = '.';
    put(b, 20, 26, instant.getNano() / 1_000);
    b[26] = 'Z';
    return new String(b, StandardCharsets.US_ASCII);
  }

  /** Writes {@code value} zero-padded into {@code b} from {@code from} to {@code to}. */
  private static void put(byte[] b, int from, int to, int value) {
    for (int i = to - 1; i >= from; i--) {
      b[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
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
