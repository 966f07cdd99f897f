package dev.tokenledger.reconcile;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.ReconcileStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The settle-until-stable state machine of docs/design.md §5, as a pure function of a run's read
 * history and the current time; explained in docs/attribution.md.
 *
 * <ul>
 *   <li>{@code warning}: a read went down on some counter and no later read came back to the level
 *       before the drop, unless a person accepted it; or, once the run would be final, its figures
 *       differ from its local counts and nobody accepted them.
 *   <li>{@code final}: the latest {@code stableReads} identical reads (failed reads in between
 *       neither count nor break the run), each at least {@code interval} after the one counted
 *       before it and all taken at least {@code minAge} after the run ended; or a person accepted
 *       the current figures. A run with all-zero reads becomes final like any other. Reads taken
 *       earlier do not count: usage still on its way would make them agree on too little.
 *   <li>{@code pending}: no read succeeded yet, or the run is open or younger than {@code minAge}.
 *   <li>{@code settling}: otherwise; a changed read starts the count again.
 *   <li>{@code error}: the last read failed; the status and figures of the reads before it stand
 *       (in {@link Assessment#settledStatus()} and {@link Assessment#figures()}).
 * </ul>
 *
 * <p>A run that was final by its reads and whose later read differs from the figures it was final
 * with is in {@code warning} (changed after final) until a person accepts the change: such a read
 * is the read once more {@link #recheckAt} schedules, or a forced one.
 */
final class RunSettler {
  /** A final run is read once more at least this long after it became final. */
  public static final Duration RECHECK_AFTER_FINAL = Duration.ofHours(1);

  private final ReconcileSettings settings;

  /** A settler with the default settings. */
  public RunSettler() {
    this(ReconcileSettings.DEFAULTS);
  }

  public RunSettler(ReconcileSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The settings in force. */
  public ReconcileSettings settings() {
    return settings;
  }

  /** Where the run stands at {@code now}. */
  public Assessment assess(RunHistory history, Instant now) {
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(now, "now");
    List<UsageRead> ok = history.reads().stream().filter(UsageRead::succeeded).toList();
    Assessment settled = settle(history, ok, now);
    List<UsageRead> reads = history.reads();
    UsageRead last = reads.isEmpty() ? null : reads.get(reads.size() - 1);
    if (last == null || last.succeeded()) {
      return settled;
    }
    return new Assessment(
        ReconcileStatus.ERROR,
        settled.settledStatus(),
        settled.figures(),
        settled.figuresReadAt(),
        settled.change(),
        settled.identicalReads(),
        settled.warning(),
        last.error());
  }

  /**
   * Whether a reconcile pass at {@code now} should read the run again: always when {@code force} or
   * when its last read failed (a run in error, final ones too, is read by the next pass until a
   * read succeeds); never when its reads make it final; otherwise when no read has succeeded yet or
   * the interval has passed since the last one that did.
   */
  public boolean needsRead(RunHistory history, Instant now, boolean force) {
    List<UsageRead> reads = history.reads();
    if (force || (!reads.isEmpty() && !reads.get(reads.size() - 1).succeeded())) {
      return true;
    }
    if (assess(history, now).settledStatus() == ReconcileStatus.FINAL) {
      return false;
    }
    for (int i = reads.size() - 1; i >= 0; i--) {
      if (reads.get(i).succeeded()) {
        return !now.isBefore(reads.get(i).at().plus(settings.interval()));
      }
    }
    return true;
  }

  /**
   * The earliest instant the run can become final: if from {@code now} on it is read every interval
   * and its figures stop changing. It counts the identical reads it already has (those taken at
   * least min-age after the run ended, an interval apart) and adds the reads still needed. Empty
   * when the run is final, in warning (a person must look), or still open.
   */
  public Optional<Instant> earliestFinal(RunHistory history, Instant now) {
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(now, "now");
    ReconcileStatus settled = assess(history, now).settledStatus();
    if (settled == ReconcileStatus.FINAL
        || settled == ReconcileStatus.WARNING
        || history.runEnd() == null) {
      return Optional.empty();
    }
    List<UsageRead> ok = history.reads().stream().filter(UsageRead::succeeded).toList();
    Instant settledFrom = settledFrom(history);
    Instant next = now.isBefore(settledFrom) ? settledFrom : now;
    int have = 0;
    if (!ok.isEmpty()) {
      TokenCounts figures = ok.get(ok.size() - 1).counts();
      int tailStart = ok.size() - 1;
      while (tailStart > 0 && ok.get(tailStart - 1).counts().equals(figures)) {
        tailStart--;
      }
      Instant counted = null;
      for (int i = tailStart; i < ok.size(); i++) {
        Instant at = ok.get(i).at();
        if (!at.isBefore(settledFrom)
            && (counted == null || !at.isBefore(counted.plus(settings.interval())))) {
          have++;
          counted = at;
        }
      }
      if (counted != null && counted.plus(settings.interval()).isAfter(next)) {
        next = counted.plus(settings.interval());
      }
    }
    int needed = Math.max(1, settings.stableReads() - have);
    return Optional.of(next.plus(settings.interval().multipliedBy(needed - 1L)));
  }

  /**
   * When a run that became final at {@code finalAt} is read once more: twice the largest reporting
   * delay seen after its end, or an hour after it became final, whichever is later. Usage reported
   * later than min-age allowed for (a min-age shorter than the real delay, a late revision) then
   * shows as a change after final instead of staying unseen.
   */
  public static Instant recheckAt(Instant runEnd, Instant finalAt, Duration delaySeen) {
    Instant byDelay = runEnd.plus(delaySeen.multipliedBy(2));
    Instant byHour = finalAt.plus(RECHECK_AFTER_FINAL);
    return byDelay.isAfter(byHour) ? byDelay : byHour;
  }

  /**
   * The reporting delay one run's reads show, if any: among its successful reads taken after the
   * run ended, each one that differs from the read before it (also taken after the end) shows usage
   * that was reported at most that long after the run ended. The largest such span; empty when no
   * read after the end changed.
   */
  public static Optional<Duration> delaySeen(Instant runEnd, List<UsageRead> reads) {
    Duration largest = null;
    TokenCounts before = null;
    for (UsageRead r : reads) {
      if (!r.succeeded() || runEnd == null || !r.at().isAfter(runEnd)) {
        continue;
      }
      if (before != null && !before.equals(r.counts())) {
        Duration d = Duration.between(runEnd, r.at());
        largest = largest == null || d.compareTo(largest) > 0 ? d : largest;
      }
      before = r.counts();
    }
    return Optional.ofNullable(largest);
  }

  private Assessment settle(RunHistory history, List<UsageRead> ok, Instant now) {
    Assessment byReads = settleByReads(history, ok, now);
    ReconcileWarning changed = changedAfterFinal(history, ok);
    if (changed == null) {
      return byReads;
    }
    return new Assessment(
        ReconcileStatus.WARNING,
        ReconcileStatus.WARNING,
        byReads.figures(),
        byReads.figuresReadAt(),
        byReads.change(),
        byReads.identicalReads(),
        changed,
        null);
  }

  /**
   * The first read that differs from the figures the run was final with by its reads, unless a
   * person accepted it; null if there is none. After an accepted change the run settles anew.
   */
  private ReconcileWarning changedAfterFinal(RunHistory history, List<UsageRead> ok) {
    Instant acceptedAt = history.acceptedAt();
    Instant from = settledFrom(history);
    TokenCounts finalWith = null;
    // the run of identical reads ending at read i, as settleByReads counts it, kept as it grows
    int counted = 0;
    Instant lastCounted = null;
    for (int i = 0; i < ok.size(); i++) {
      UsageRead r = ok.get(i);
      if (finalWith != null && !r.counts().equals(finalWith)) {
        if (acceptedAt == null || r.at().isAfter(acceptedAt)) {
          return new ReconcileWarning(
              ReconcileWarning.Kind.CHANGED_AFTER_FINAL,
              r.at(),
              CountsDelta.between(finalWith, r.counts()));
        }
        finalWith = null;
      }
      if (i == 0 || !r.counts().equals(ok.get(i - 1).counts())) {
        counted = 0;
        lastCounted = null;
      }
      if (from != null
          && !r.at().isBefore(from)
          && (lastCounted == null || !r.at().isBefore(lastCounted.plus(settings.interval())))) {
        counted++;
        lastCounted = r.at();
      }
      if (finalWith == null
          && counted >= settings.stableReads()
          && (history.localCounts() == null || history.localCounts().equals(r.counts()))
          && openDecrease(ok.subList(0, i + 1), acceptedAt) == null) {
        finalWith = r.counts();
      }
    }
    return null;
  }

  private Assessment settleByReads(RunHistory history, List<UsageRead> ok, Instant now) {
    if (ok.isEmpty()) {
      return new Assessment(
          ReconcileStatus.PENDING,
          ReconcileStatus.PENDING,
          null,
          null,
          CountsDelta.ZERO,
          0,
          null,
          null);
    }
    UsageRead latest = ok.get(ok.size() - 1);
    TokenCounts figures = latest.counts();
    TokenCounts before = ok.size() > 1 ? ok.get(ok.size() - 2).counts() : TokenCounts.ZERO;
    CountsDelta change = CountsDelta.between(before, figures);

    int tailStart = ok.size() - 1;
    while (tailStart > 0 && ok.get(tailStart - 1).counts().equals(figures)) {
      tailStart--;
    }
    int identical = spacedCount(ok, tailStart, settledFrom(history));
    Instant acceptedAt = history.acceptedAt();
    boolean accepted = acceptedAt != null && !ok.get(tailStart).at().isAfter(acceptedAt);

    ReconcileWarning warning = openDecrease(ok, acceptedAt);
    ReconcileStatus status;
    if (warning != null) {
      status = ReconcileStatus.WARNING;
    } else {
      boolean old =
          history.runEnd() != null && !now.isBefore(history.runEnd().plus(settings.minAge()));
      if (accepted || (old && identical >= settings.stableReads())) {
        TokenCounts local = history.localCounts();
        if (!accepted && local != null && !local.equals(figures)) {
          warning =
              new ReconcileWarning(
                  ReconcileWarning.Kind.LOCAL_MISMATCH,
                  latest.at(),
                  CountsDelta.between(local, figures));
          status = ReconcileStatus.WARNING;
        } else {
          status = ReconcileStatus.FINAL;
        }
      } else {
        status = old ? ReconcileStatus.SETTLING : ReconcileStatus.PENDING;
      }
    }
    return new Assessment(status, status, figures, latest.at(), change, identical, warning, null);
  }

  /**
   * Identical reads from {@code from} on, counting only those taken at or after {@code settledFrom}
   * and an interval after the last counted.
   */
  private int spacedCount(List<UsageRead> ok, int from, Instant settledFrom) {
    int count = 0;
    Instant counted = null;
    for (int i = from; i < ok.size(); i++) {
      Instant at = ok.get(i).at();
      if (settledFrom != null && at.isBefore(settledFrom)) {
        continue;
      }
      if (counted == null || !at.isBefore(counted.plus(settings.interval()))) {
        count++;
        counted = at;
      }
    }
    return count;
  }

  /** When reads start to count toward stability: {@code minAge} after the run ended. */
  private Instant settledFrom(RunHistory history) {
    return history.runEnd() == null ? null : history.runEnd().plus(settings.minAge());
  }

  /**
   * The latest drop that no later read recovered from (back to at least the level before the drop,
   * on every counter) and that was not accepted; {@code null} if there is none.
   */
  private static ReconcileWarning openDecrease(List<UsageRead> ok, Instant acceptedAt) {
    for (int d = ok.size() - 1; d >= 1; d--) {
      TokenCounts before = ok.get(d - 1).counts();
      CountsDelta drop = CountsDelta.between(before, ok.get(d).counts());
      if (!drop.hasDecrease()) {
        continue;
      }
      boolean acceptedDrop = acceptedAt != null && !ok.get(d).at().isAfter(acceptedAt);
      boolean recovered = false;
      for (int j = d + 1; j < ok.size() && !recovered; j++) {
        recovered = !CountsDelta.between(before, ok.get(j).counts()).hasDecrease();
      }
      if (!acceptedDrop && !recovered) {
        return new ReconcileWarning(ReconcileWarning.Kind.DECREASE, ok.get(d).at(), drop);
      }
    }
    return null;
  }
}
