package dev.tokenledger.cli;

import dev.tokenledger.WindowLimits;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The time-window options shared by commands that read a window of usage or costs. */
public final class WindowOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      converter = TimeConverters.DurationConverter.class,
      description = "The window ending now: 30m, 1h, 2d, 7d (default: see above).")
  Duration since;

  @Option(
      names = "--from",
      paramLabel = "INSTANT",
      converter = TimeConverters.InstantConverter.class,
      description = "Window start: ISO-8601 (2025-10-27T10:00:00Z) or epoch seconds.")
  Instant from;

  @Option(
      names = "--to",
      paramLabel = "INSTANT",
      converter = TimeConverters.InstantConverter.class,
      description = "Window end (exclusive). Default: now.")
  Instant to;

  /** A half-open window {@code [start, end)}. */
  public record Window(Instant start, Instant end) {}

  /**
   * The window asked for: ending at {@code --to} or {@code now}, starting at {@code --from} or
   * {@code defaultSince} (or {@code --since}) before the end.
   *
   * @throws CommandLine.ParameterException when {@code --since} is combined with {@code
   *     --from/--to}, the window does not end after it starts, or it starts before 2020-01-01
   */
  public Window window(Instant now, Duration defaultSince) {
    if (since != null && (from != null || to != null)) {
      throw new CommandLine.ParameterException(
          mixee.commandLine(),
          "--since cannot be combined with --from/--to: give one or the other");
    }
    Instant end = to != null ? to : now;
    Instant start = from != null ? from : end.minus(since != null ? since : defaultSince);
    if (!end.isAfter(start)) {
      throw new CommandLine.ParameterException(
          mixee.commandLine(),
          "the window must end after it starts: --from " + start + ", --to " + end);
    }
    if (start.isBefore(WindowLimits.EARLIEST)) {
      throw new CommandLine.ParameterException(
          mixee.commandLine(),
          "the window would start at "
              + start
              + ", before 2020-01-01, where the Usage and Costs APIs have nothing: give a later"
              + " --from or a shorter --since");
    }
    return new Window(start, end);
  }

  /** "the last hour", or "2025-10-27T10:00:00Z to now". */
  public String phrase(Duration defaultSince) {
    if (from != null || to != null) {
      return from == null
          ? "the " + describe(defaultSince) + " before " + to
          : from + " to " + (to == null ? "now" : to);
    }
    return "the last " + describe(since == null ? defaultSince : since);
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
