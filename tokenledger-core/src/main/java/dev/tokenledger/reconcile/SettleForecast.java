package dev.tokenledger.reconcile;

import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.ledger.SettlementStore;
import dev.tokenledger.ledger.SettlementStore.RunState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * When runs that are pending or settling can become final at the earliest ("final at the earliest
 * 11:42 UTC, in 38 minutes"), from the settings and each run's reads so far: what {@code run show},
 * {@code reconcile} and {@code report} tell a person waiting for figures to cite.
 */
public final class SettleForecast {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private final SettlementStore store;
  private final RunSettler settler;

  public SettleForecast(SettlementStore store, ReconcileSettings settings) {
    this.store = Objects.requireNonNull(store, "store");
    this.settler = new RunSettler(settings);
  }

  /**
   * The earliest instant each of {@code runIds} can become final, for those that are pending or
   * settling and have ended; the others are left out.
   */
  public Map<String, Instant> earliestFinal(Collection<String> runIds, Instant now) {
    Map<String, Instant> out = new LinkedHashMap<>();
    for (RunState s : store.states(runIds)) {
      ReconcileStatus stored = s.run().reconcileStatus();
      if (stored == ReconcileStatus.FINAL || stored == ReconcileStatus.WARNING) {
        // what the reconciler stored stands: these settings may differ from the ones it used
        continue;
      }
      settler.earliestFinal(RunStanding.history(s), now).ifPresent(at -> out.put(s.run().id(), at));
    }
    return out;
  }

  /** The latest of {@code earliest}: when all of those runs can be final at the earliest. */
  public static Optional<Instant> latest(Map<String, Instant> earliest) {
    return earliest.values().stream().max(Instant::compareTo);
  }

  /**
   * {@code final at the earliest 11:42 UTC, in 38 minutes}; the date is added when it is not {@code
   * now}'s day, and {@code at the next read} replaces the time when it has come.
   */
  public static String phrase(Instant earliest, Instant now) {
    if (!earliest.isAfter(now)) {
      return "final at the earliest at the next read (due now), if its figures hold";
    }
    boolean sameDay =
        earliest
            .atZone(ZoneOffset.UTC)
            .toLocalDate()
            .equals(now.atZone(ZoneOffset.UTC).toLocalDate());
    String when = (sameDay ? TIME : DAY_TIME).format(earliest) + " UTC";
    return "final at the earliest " + when + ", in " + wait(Duration.between(now, earliest));
  }

  /**
   * The footer line of a table of runs: {@code Not final yet: 2 runs (pending or settling); all
   * final at the earliest 11:42 UTC, in 38 minutes (min-age 1h, 3 identical reads 5m apart, and the
   * reads so far).}; empty when no run can become final by waiting.
   */
  public static Optional<String> footer(
      Map<String, Instant> earliest, ReconcileSettings settings, Instant now) {
    Optional<Instant> last = latest(earliest);
    if (last.isEmpty()) {
      return Optional.empty();
    }
    int n = earliest.size();
    return Optional.of(
        "Not final yet: "
            + n
            + (n == 1 ? " run" : " runs")
            + " (pending or settling); "
            + (n == 1 ? "" : "all ")
            + phrase(last.get(), now)
            + " ("
            + describe(settings)
            + ", and the reads so far).");
  }

  /** {@code min-age 1h, 3 identical reads 5m apart}. */
  public static String describe(ReconcileSettings settings) {
    return "min-age "
        + compact(settings.minAge())
        + ", "
        + settings.stableReads()
        + (settings.stableReads() == 1 ? " read" : " identical reads")
        + (settings.stableReads() == 1 ? "" : " " + compact(settings.interval()) + " apart");
  }

  private static String compact(Duration d) {
    long s = d.getSeconds();
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  private static String wait(Duration d) {
    long minutes = (d.getSeconds() + 59) / 60; // up: "in 0 minutes" would be wrong
    if (minutes <= 1) {
      return d.getSeconds() < 60 ? "less than a minute" : "1 minute";
    }
    if (minutes < 120) {
      return minutes + " minutes";
    }
    long hours = minutes / 60;
    long rest = minutes % 60;
    return hours + " h" + (rest == 0 ? "" : " " + rest + " min");
  }
}
