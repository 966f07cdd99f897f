package dev.tokenledger.cli.shared;

import dev.tokenledger.WindowLimits;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The one time-window syntax of every command ({@code README.md}, "Time windows"): {@code --since
 * DURATION | --from INSTANT [--to INSTANT]}. The older spellings still work, unlisted: {@code
 * --since INSTANT} (as {@code --from}), {@code --until} (as {@code --to}), and a duration ago for
 * {@code --from}/{@code --to}.
 */
public final class WindowMixin {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      description = "The window ending now: 30m, 1h, 2d, 7d (a bare number is seconds).")
  String since;

  @Option(
      names = "--from",
      paramLabel = "INSTANT",
      description = "Window start: ISO-8601 (2025-10-27T10:00:00Z) or epoch seconds.")
  String from;

  @Option(
      names = "--to",
      paramLabel = "INSTANT",
      description = "Window end (exclusive). Default: now.")
  String to;

  @Option(names = "--until", paramLabel = "INSTANT", hidden = true)
  String until;

  /** A half-open window {@code [start, end)}; {@code null} leaves that side open. */
  public record Window(Instant start, Instant end) {}

  /**
   * The window of a read from the API, bounded on both sides: ending at {@code --to} or {@code
   * now}, starting at {@code --from}, else {@code --since} (or {@code defaultSince}) before now (or
   * before {@code --to}, when only that is given).
   *
   * @throws CommandLine.ParameterException when the options contradict each other, the window does
   *     not end after it starts, or it starts before 2020-01-01
   */
  public Window bounded(Instant now, Duration defaultSince) {
    Window w = open(now);
    Instant end = w.end() != null ? w.end() : now;
    Instant start = w.start() != null ? w.start() : end.minus(defaultSince);
    if (!end.isAfter(start)) {
      throw usageError("the window must end after it starts: --from " + start + ", --to " + end);
    }
    if (start.isBefore(WindowLimits.EARLIEST)) {
      throw usageError(
          "the window would start at "
              + start
              + ", before 2020-01-01, where the Usage and Costs APIs have nothing: give a later"
              + " --from or a shorter --since");
    }
    return new Window(start, end);
  }

  /**
   * The window of a filter on recorded runs: each side only where an option sets it.
   *
   * @throws CommandLine.ParameterException when the options contradict each other or do not parse
   */
  public Window open(Instant now) {
    if (to != null && until != null) {
      throw usageError("--until is the older name of --to: give one of them");
    }
    Duration ago = since == null ? null : sinceDuration(now);
    if (since != null && from != null) {
      throw usageError("--since and --from both set the start: give one of them");
    }
    Instant start =
        ago != null
            ? now.minus(ago)
            : instant(since != null ? since : from, now, since != null ? "--since" : "--from");
    Instant end = instant(to != null ? to : until, now, to != null ? "--to" : "--until");
    return new Window(start, end);
  }

  /** "the last hour", or "2025-10-27T10:00:00Z to now". */
  public String phrase(Instant now, Duration defaultSince) {
    Window w = open(now);
    if (from == null && to == null && until == null) {
      return "the last " + describe(since == null ? defaultSince : sinceDuration(now));
    }
    if (w.start() == null) {
      return "the " + describe(defaultSince) + " before " + w.end();
    }
    return w.start() + " to " + (w.end() == null ? "now" : w.end());
  }

  /**
   * {@code --since} as a duration, or {@code null} when it names an instant (its older meaning in
   * {@code report} and {@code run list}). A bare number is seconds, unless that many seconds ago is
   * before 2020 while as epoch seconds it is not: then it is the instant it was written as.
   */
  private Duration sinceDuration(Instant now) {
    String t = since.strip();
    try {
      if (t.matches("\\d+")) {
        Duration d = TimeConverters.parseDuration(t);
        boolean epoch =
            now.minus(d).isBefore(WindowLimits.EARLIEST)
                && !Instant.ofEpochSecond(d.getSeconds()).isBefore(WindowLimits.EARLIEST);
        return epoch ? null : d;
      }
      return t.matches("(?i)\\d+[smhd]") ? TimeConverters.parseDuration(t) : null;
    } catch (CommandLine.TypeConversionException e) {
      throw usageError("--since " + e.getMessage());
    }
  }

  private Instant instant(String text, Instant now, String option) {
    return TimeConverters.instantOrAgo(text, now, option, mixee.commandLine());
  }

  private CommandLine.ParameterException usageError(String message) {
    return new CommandLine.ParameterException(mixee.commandLine(), message);
  }

  static String describe(Duration d) {
    long s = d.getSeconds();
    if (s % 86400 == 0) {
      return plural(s / 86400, "day");
    }
    if (s % 3600 == 0) {
      return plural(s / 3600, "hour");
    }
    if (s % 60 == 0) {
      return plural(s / 60, "minute");
    }
    return plural(s, "second");
  }

  private static String plural(long n, String unit) {
    return n == 1 ? unit : n + " " + unit + "s";
  }
}
