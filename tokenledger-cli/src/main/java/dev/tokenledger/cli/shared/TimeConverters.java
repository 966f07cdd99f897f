package dev.tokenledger.cli.shared;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The command line's time syntax: durations {@code 30s 10m 2h 1d} (a bare number means seconds),
 * instants as ISO-8601 ({@code 2025-10-27T10:00:00Z}, an offset is allowed) or epoch seconds.
 */
public final class TimeConverters {
  private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd]?)");

  private TimeConverters() {}

  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a duration: write it as 30s, 10m, 2h or 1d");
    }
    try {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> Duration.ofSeconds(n);
      };
    } catch (ArithmeticException | NumberFormatException e) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is too long a duration: write at most a few years, e.g. 365d");
    }
  }

  public static Instant parseInstant(String text) {
    String t = text.strip();
    if (t.matches("\\d{1,12}")) {
      return Instant.ofEpochSecond(Long.parseLong(t));
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException notUtc) {
      try {
        return OffsetDateTime.parse(t).toInstant();
      } catch (DateTimeException e) {
        throw new CommandLine.TypeConversionException(
            "'"
                + text
                + "' is not an instant: write ISO-8601 such as 2025-10-27T10:00:00Z, or epoch"
                + " seconds");
      }
    }
  }

  /**
   * An instant, or a duration ago from {@code now} ({@code 2h}, {@code 1d}); {@code null} stays
   * {@code null}. For options such as {@code --since WHEN} that take either.
   *
   * @throws CommandLine.ParameterException on {@code cli}, naming {@code option}, when it is
   *     neither
   */
  public static Instant instantOrAgo(String text, Instant now, String option, CommandLine cli) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    if (t.matches("\\d+[smhd]")) {
      return now.minus(parseDuration(t));
    }
    try {
      return parseInstant(t);
    } catch (CommandLine.TypeConversionException e) {
      throw new CommandLine.ParameterException(
          cli, option + " '" + text + "' is neither an instant nor a duration ago (2h, 1d)");
    }
  }

  /** picocli converter for durations. */
  public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return parseDuration(value);
    }
  }

  /** picocli converter for instants. */
  public static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      return parseInstant(value);
    }
  }
}
