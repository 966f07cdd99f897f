package dev.tokenledger.attribution;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Attributes minute usage buckets to runs and steps (docs/design.md §4, explained in
 * docs/attribution.md). A minute bucket of key K goes to the runs of K whose window, widened by the
 * settle lag, overlaps the minute: one candidate takes it whole; several split it (by local
 * per-request counts when every one of them was metered, otherwise by milliseconds of overlap) and
 * are flagged; none leaves it unattributed. A run's share goes to its steps by the same rule.
 *
 * <p>Give it every run of the keys involved that overlaps the rows' minutes, settled or not: a
 * minute can only be split fairly if all its runs take part. Figures of runs whose windows the rows
 * do not fully cover are partial.
 */
public final class Attributor {
  /** How long after a window's end its usage may still be filed: 30 seconds. */
  public static final Duration DEFAULT_SETTLE_LAG = Duration.ofSeconds(30);

  private static final Comparator<RunState> START_ORDER =
      Comparator.<RunState>comparingLong(r -> r.start).thenComparing(r -> r.run.runId());

  private final long lagMillis;

  /** An attributor with the default settle lag. */
  public Attributor() {
    this(DEFAULT_SETTLE_LAG);
  }

  public Attributor(Duration settleLag) {
    Objects.requireNonNull(settleLag, "settleLag");
    if (settleLag.isNegative()) {
      throw new IllegalArgumentException("settleLag cannot be negative, got " + settleLag);
    }
    this.lagMillis = settleLag.toMillis();
  }

  /** Attributes {@code rows} to {@code runs} without local per-request counts. */
  public AttributionResult attribute(Collection<UsageRow> rows, Collection<RunWindow> runs) {
    return attribute(rows, runs, List.of());
  }

  /**
   * Attributes {@code rows} (the rows of one read; rows of equal minute, key and line are added up)
   * to {@code runs}, splitting shared minutes by {@code localRequests} where the runs involved are
   * metered. Local requests of runs not given are ignored.
   */
  public AttributionResult attribute(
      Collection<UsageRow> rows,
      Collection<RunWindow> runs,
      Collection<LocalRequest> localRequests) {
    return start(rows, runs, localRequests).finishAll();
  }

  /**
   * Attributes as {@link #attribute(Collection, Collection, Collection)} does, but makes each run's
   * figure only when it is {@linkplain Pending#take taken}: a caller that uses each run's figure
   * once and drops it never holds every run's figure at once.
   */
  public Pending start(
      Collection<UsageRow> rows,
      Collection<RunWindow> runs,
      Collection<LocalRequest> localRequests) {
    LocalIndex local = new LocalIndex(localRequests);
    Map<String, RunState> states = new LinkedHashMap<>();
    TreeMap<String, List<RunState>> runsByKey = new TreeMap<>();
    for (RunWindow run : runs) {
      RunState state = new RunState(run, run.metered() || local.hasRequests(run.runId()));
      if (states.put(run.runId(), state) != null) {
        throw new IllegalArgumentException("run id " + run.runId() + " appears twice");
      }
      runsByKey.computeIfAbsent(run.apiKeyId(), k -> new ArrayList<>()).add(state);
    }
    for (List<RunState> keyRuns : runsByKey.values()) {
      keyRuns.sort(START_ORDER);
      long[] ends =
          Widening.effectiveEnds(
              keyRuns.stream().mapToLong(r -> r.start).toArray(),
              keyRuns.stream().mapToLong(r -> r.end).toArray(),
              lagMillis);
      for (int i = 0; i < ends.length; i++) {
        keyRuns.get(i).effectiveEnd = ends[i];
      }
    }

    List<UsageRow> unattributed = new ArrayList<>();
    bucketsByKey(rows)
        .forEach(
            (key, minutes) ->
                attributeKey(minutes, runsByKey.getOrDefault(key, List.of()), local, unattributed));
    return new Pending(states, local, lagMillis, unattributed);
  }

  /**
   * An attribution whose minutes are shared out among the runs, each run's figure made when it is
   * taken: a run's figure depends on its own shares alone, so the figures are those {@link
   * #attribute(Collection, Collection, Collection)} gives.
   */
  public static final class Pending {
    private final Map<String, RunState> states;
    private final LocalIndex local;
    private final long lagMillis;
    private final List<UsageRow> unattributed;

    private Pending(
        Map<String, RunState> states,
        LocalIndex local,
        long lagMillis,
        List<UsageRow> unattributed) {
      this.states = states;
      this.local = local;
      this.lagMillis = lagMillis;
      this.unattributed = List.copyOf(unattributed);
    }

    /** The usage no run's window covered, as {@link AttributionResult#unattributed()}. */
    public List<UsageRow> unattributed() {
      return unattributed;
    }

    /**
     * The figure of run {@code runId}, made now and forgotten here; null when the run was not given
     * or was taken before.
     */
    public RunAttribution take(String runId) {
      RunState state = states.remove(runId);
      return state == null ? null : state.finish(local, lagMillis);
    }

    /** Every run's figure not taken yet, in the order given, with the unattributed usage. */
    public AttributionResult finishAll() {
      List<RunAttribution> results = new ArrayList<>(states.size());
      for (RunState state : states.values()) {
        results.add(state.finish(local, lagMillis));
      }
      states.clear();
      return new AttributionResult(results, unattributed);
    }
  }

  /** key → minute → rows of that minute (sorted by line, equal lines added up, zero rows gone). */
  private static TreeMap<String, TreeMap<Long, List<UsageRow>>> bucketsByKey(
      Collection<UsageRow> rows) {
    TreeMap<String, TreeMap<Long, TreeMap<UsageLine, TokenCounts>>> sums = new TreeMap<>();
    for (UsageRow row : rows) {
      if (row.counts().isZero()) {
        continue;
      }
      sums.computeIfAbsent(row.apiKeyId(), k -> new TreeMap<>())
          .computeIfAbsent(row.minute().toEpochMilli(), m -> new TreeMap<>())
          .merge(row.line(), row.counts(), TokenCounts::plus);
    }
    TreeMap<String, TreeMap<Long, List<UsageRow>>> buckets = new TreeMap<>();
    sums.forEach(
        (key, minutes) -> {
          TreeMap<Long, List<UsageRow>> byMinute = new TreeMap<>();
          minutes.forEach(
              (minute, lines) -> {
                List<UsageRow> list = new ArrayList<>();
                lines.forEach(
                    (line, counts) ->
                        list.add(UsageRow.of(Instant.ofEpochMilli(minute), key, line, counts)));
                byMinute.put(minute, list);
              });
          buckets.put(key, byMinute);
        });
    return buckets;
  }

  private static void attributeKey(
      TreeMap<Long, List<UsageRow>> minutes,
      List<RunState> keyRuns,
      LocalIndex local,
      List<UsageRow> unattributed) {
    Sweep sweep =
        new Sweep(
            keyRuns.stream().mapToLong(r -> r.start).toArray(),
            keyRuns.stream().mapToLong(r -> r.effectiveEnd).toArray());
    minutes.forEach(
        (minute, rows) -> {
          int[] candidates = sweep.candidates(minute);
          TokenCounts bucket = Lines.total(rows);
          if (candidates.length == 0) {
            unattributed.addAll(rows);
          } else if (candidates.length == 1) {
            keyRuns.get(candidates[0]).take(new MinuteShare(minute, rows, bucket, List.of()));
          } else {
            List<RunState> sharing = new ArrayList<>();
            long[] overlaps = new long[candidates.length];
            for (int i = 0; i < candidates.length; i++) {
              sharing.add(keyRuns.get(candidates[i]));
              overlaps[i] = sweep.overlap(candidates[i], minute);
            }
            boolean allMetered = sharing.stream().allMatch(r -> r.metered);
            List<List<UsageRow>> parts =
                splitRows(
                    rows,
                    overlaps,
                    row ->
                        allMetered
                            ? LocalIndex.weights(
                                sharing.stream()
                                    .map(r -> local.sum(r.run.runId(), null, minute, row.model()))
                                    .toList())
                            : null);
            for (int i = 0; i < sharing.size(); i++) {
              List<String> others = new ArrayList<>();
              for (RunState other : sharing) {
                if (other != sharing.get(i)) {
                  others.add(other.run.runId());
                }
              }
              sharing.get(i).take(new MinuteShare(minute, parts.get(i), bucket, others));
            }
          }
        });
  }

  /** Splits every row among participants; parts that are all zero are left out. */
  private static List<List<UsageRow>> splitRows(
      List<UsageRow> rows, long[] overlaps, Function<UsageRow, long[][]> preferredWeights) {
    List<List<UsageRow>> parts = new ArrayList<>();
    for (int i = 0; i < overlaps.length; i++) {
      parts.add(new ArrayList<>());
    }
    for (UsageRow row : rows) {
      TokenCounts[] split = Apportioner.split(row.counts(), overlaps, preferredWeights.apply(row));
      for (int i = 0; i < split.length; i++) {
        if (!split[i].isZero()) {
          parts.get(i).add(row.withCounts(split[i]));
        }
      }
    }
    return parts;
  }

  /** A run's part of one minute: its rows, the key's whole bucket, the runs it shared with. */
  private record MinuteShare(
      long minute, List<UsageRow> rows, TokenCounts bucket, List<String> otherRuns) {
    boolean shared() {
      return !otherRuns.isEmpty();
    }
  }

  /** A run during attribution. */
  private static final class RunState {
    final RunWindow run;
    final long start;
    final long end;
    final boolean metered;
    final TreeMap<Long, MinuteShare> minutes = new TreeMap<>();
    long effectiveEnd;

    RunState(RunWindow run, boolean metered) {
      this.run = run;
      this.start = run.start().toEpochMilli();
      this.end = Minutes.millis(run.end());
      this.metered = metered;
    }

    void take(MinuteShare share) {
      minutes.put(share.minute(), share);
    }

    RunAttribution finish(LocalIndex local, long lagMillis) {
      List<UsageRow> rows = new ArrayList<>();
      TokenCounts lower = TokenCounts.ZERO;
      TokenCounts upper = TokenCounts.ZERO;
      List<SharedMinute> shared = new ArrayList<>();
      for (MinuteShare share : minutes.values()) {
        rows.addAll(share.rows());
        TokenCounts mine = Lines.total(share.rows());
        if (share.shared()) {
          upper = upper.plus(share.bucket());
          shared.add(
              new SharedMinute(
                  null,
                  null,
                  Instant.ofEpochMilli(share.minute()),
                  share.otherRuns(),
                  List.of(),
                  share.bucket(),
                  mine));
        } else {
          lower = lower.plus(mine);
          upper = upper.plus(mine);
        }
      }
      List<UsageRow> unstepped = new ArrayList<>();
      List<StepAttribution> steps = attributeSteps(local, lagMillis, unstepped);
      return new RunAttribution(
          run.runId(),
          run.apiKeyId(),
          rows,
          Lines.total(rows),
          Exactness.of(!shared.isEmpty()),
          lower,
          upper,
          shared,
          steps,
          unstepped);
    }

    private List<StepAttribution> attributeSteps(
        LocalIndex local, long lagMillis, List<UsageRow> unstepped) {
      List<StepWindow> given = run.steps();
      List<StepState> steps = new ArrayList<>();
      for (StepWindow step : given) {
        steps.add(new StepState(step));
      }
      List<StepState> byStart = new ArrayList<>(steps);
      byStart.sort(Comparator.comparingLong(s -> s.start)); // stable: ties keep the given order
      long[] ends =
          Widening.effectiveEnds(
              byStart.stream().mapToLong(s -> s.start).toArray(),
              byStart.stream().mapToLong(s -> s.end).toArray(),
              lagMillis);
      // a step sees only its run's minutes, so clip it to the run's widened window (max keeps
      // the starts sorted)
      long[] clippedStarts = new long[ends.length];
      long[] clippedEnds = new long[ends.length];
      for (int i = 0; i < ends.length; i++) {
        clippedStarts[i] = Math.max(byStart.get(i).start, start);
        clippedEnds[i] = Math.min(ends[i], effectiveEnd);
      }
      Sweep sweep = new Sweep(clippedStarts, clippedEnds);
      for (MinuteShare share : minutes.values()) {
        long minute = share.minute();
        int[] candidates = sweep.candidates(minute);
        TokenCounts mine = Lines.total(share.rows());
        if (candidates.length == 0) {
          unstepped.addAll(share.rows());
        } else if (candidates.length == 1) {
          StepState step = byStart.get(candidates[0]);
          step.rows.addAll(share.rows());
          if (share.shared()) {
            step.shared(share, List.of(), mine);
          } else {
            step.lower = step.lower.plus(mine);
            step.upper = step.upper.plus(mine);
          }
        } else {
          List<StepState> sharing = new ArrayList<>();
          long[] overlaps = new long[candidates.length];
          for (int i = 0; i < candidates.length; i++) {
            sharing.add(byStart.get(candidates[i]));
            overlaps[i] = sweep.overlap(candidates[i], minute);
          }
          List<List<UsageRow>> parts =
              splitRows(
                  share.rows(),
                  overlaps,
                  row ->
                      metered
                          ? LocalIndex.weights(
                              sharing.stream()
                                  .map(s -> local.sum(run.runId(), s.id(), minute, row.model()))
                                  .toList())
                          : null);
          for (int i = 0; i < sharing.size(); i++) {
            StepState step = sharing.get(i);
            List<StepIndex> others = new ArrayList<>();
            for (StepState other : sharing) {
              if (other != step) {
                others.add(other.id());
              }
            }
            step.rows.addAll(parts.get(i));
            step.shared(share, others, Lines.total(parts.get(i)));
          }
        }
      }
      return steps.stream().map(StepState::result).toList();
    }
  }

  /** A step during attribution. */
  private static final class StepState {
    final StepWindow step;
    final long start;
    final long end;
    final List<UsageRow> rows = new ArrayList<>();
    final List<SharedMinute> shared = new ArrayList<>();
    TokenCounts lower = TokenCounts.ZERO;
    TokenCounts upper = TokenCounts.ZERO;

    StepState(StepWindow step) {
      this.step = step;
      this.start = step.start().toEpochMilli();
      this.end = Minutes.millis(step.end());
    }

    StepIndex id() {
      return step.step();
    }

    void shared(MinuteShare share, List<StepIndex> otherSteps, TokenCounts mine) {
      upper = upper.plus(share.bucket());
      shared.add(
          new SharedMinute(
              step.step(),
              null,
              Instant.ofEpochMilli(share.minute()),
              share.otherRuns(),
              otherSteps,
              share.bucket(),
              mine));
    }

    StepAttribution result() {
      return new StepAttribution(
          step.step(),
          rows,
          Lines.total(rows),
          Exactness.of(!shared.isEmpty()),
          lower,
          upper,
          shared);
    }
  }
}
