package dev.tokenledger.attribution;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded, generated workload: runs of several keys with steps, the requests they made (the ground
 * truth) and foreign requests of the same keys outside every run, as the Usage API would file them
 * (by the minute each request finished).
 */
final class Workload {
  static final Instant DAY = Instant.parse("2025-10-27T00:00:00Z");
  private static final String[] MODELS = {"gpt-4o-mini-2024-07-18", "gpt-4.1", "o4-mini"};
  private static final String[] TIERS = {null, "default", "flex", "priority"};

  /** One request that OpenAI finished; {@code runId} is {@code null} for foreign usage. */
  record Request(
      Instant finishedAt,
      String apiKeyId,
      String runId,
      StepIndex stepId,
      UsageLine line,
      TokenCounts counts) {}

  /**
   * How to generate.
   *
   * @param fenced start every run and step behind a {@link MinuteFence}
   * @param concurrent let runs of one key overlap now and then
   * @param richLines vary service tier, batch and project independently of the model (otherwise
   *     they follow from the model, so local counts by model identify a line)
   * @param foreignInRunMinutes also put foreign usage of the keys at random times of the day
   */
  record Options(
      int keys,
      int runsPerKey,
      int maxSteps,
      boolean fenced,
      boolean concurrent,
      boolean richLines,
      boolean foreignInRunMinutes) {}

  final List<RunWindow> runs = new ArrayList<>();
  final List<Request> requests = new ArrayList<>();

  static Workload generate(long seed, Options options, boolean metered) {
    Random random = new Random(seed);
    Workload w = new Workload();
    for (int k = 0; k < options.keys(); k++) {
      String key = "key_" + (char) ('a' + k);
      // foreign usage in the first half hour of the day, before any run
      for (int i = 0; i < random.nextInt(4); i++) {
        w.add(random, DAY.plusSeconds(random.nextInt(1800)), key, null, null, options);
      }
      Instant cursor = DAY.plus(Duration.ofHours(1)).plusSeconds(random.nextInt(600));
      Instant lastEnd = null;
      for (int r = 0; r < options.runsPerKey(); r++) {
        String runId = key + "-run" + r;
        Instant runStart = options.fenced() ? MinuteFence.earliestStart(lastEnd, cursor) : cursor;
        List<StepWindow> steps = new ArrayList<>();
        Instant stepCursor = runStart;
        int stepCount = 1 + random.nextInt(options.maxSteps());
        for (int s = 0; s < stepCount; s++) {
          Instant stepStart =
              options.fenced()
                  ? MinuteFence.earliestStart(lastEnd, stepCursor)
                  : stepCursor.plusMillis(s == 0 ? 0 : random.nextInt(5_000));
          Instant stepEnd = stepStart.plusMillis(500 + random.nextInt(90_000));
          StepIndex stepId = StepIndex.of(s + 1);
          steps.add(new StepWindow(stepId, stepStart, stepEnd));
          for (int q = random.nextInt(5); q > 0; q--) {
            long span = Duration.between(stepStart, stepEnd).toMillis();
            w.add(
                random,
                stepStart.plusMillis((long) (random.nextDouble() * span)),
                key,
                runId,
                stepId,
                options);
          }
          lastEnd = stepEnd;
          stepCursor = stepEnd;
        }
        Instant runEnd = lastEnd.plusMillis(random.nextInt(2_000));
        lastEnd = runEnd;
        w.runs.add(new RunWindow(runId, key, runStart, runEnd, steps, metered));
        if (options.concurrent() && random.nextInt(4) == 0) {
          cursor = runStart.plusMillis(random.nextInt(120_000));
        } else {
          cursor = runEnd.plusMillis(random.nextInt(180_000));
        }
      }
      if (options.foreignInRunMinutes()) {
        for (int i = 0; i < 1 + random.nextInt(6); i++) {
          long span = Duration.between(DAY, cursor).toMillis();
          w.add(
              random,
              DAY.plusMillis((long) (random.nextDouble() * span)),
              key,
              null,
              null,
              options);
        }
      }
    }
    return w;
  }

  private void add(
      Random random, Instant at, String key, String runId, StepIndex stepId, Options options) {
    int m = random.nextInt(MODELS.length);
    UsageLine line =
        options.richLines()
            ? new UsageLine(
                MODELS[m],
                TIERS[random.nextInt(TIERS.length)],
                random.nextInt(5) == 0,
                random.nextBoolean() ? "proj_a" : "proj_b")
            : new UsageLine(MODELS[m], TIERS[m], false, "proj_" + key);
    long input = random.nextInt(6_000);
    long cached = input == 0 ? 0 : random.nextInt((int) input + 1) / (1 + random.nextInt(3));
    TokenCounts counts = new TokenCounts(input, cached, random.nextInt(2_500), 1);
    requests.add(new Request(at, key, runId, stepId, line, counts));
  }

  /** The minute rows the Usage API would return for all of it. */
  List<UsageRow> rows() {
    TreeMap<RowKey, TokenCounts> sums = new TreeMap<>();
    for (Request r : requests) {
      Instant minute = Instant.ofEpochMilli(Minutes.floor(r.finishedAt().toEpochMilli()));
      sums.merge(new RowKey(minute, r.apiKeyId(), r.line()), r.counts(), TokenCounts::plus);
    }
    List<UsageRow> rows = new ArrayList<>();
    sums.forEach((k, counts) -> rows.add(UsageRow.of(k.minute(), k.apiKeyId(), k.line(), counts)));
    return rows;
  }

  private record RowKey(Instant minute, String apiKeyId, UsageLine line)
      implements Comparable<RowKey> {
    @Override
    public int compareTo(RowKey o) {
      int c = minute.compareTo(o.minute);
      if (c == 0) {
        c = apiKeyId.compareTo(o.apiKeyId);
      }
      return c != 0 ? c : line.compareTo(o.line);
    }
  }

  /** What the runs' metering recorded: every request of a run, exactly. */
  List<LocalRequest> localRequests() {
    List<LocalRequest> local = new ArrayList<>();
    for (Request r : requests) {
      if (r.runId() != null) {
        local.add(
            new LocalRequest(r.finishedAt(), r.runId(), r.stepId(), r.line().model(), r.counts()));
      }
    }
    return local;
  }

  TokenCounts truthOfRun(String runId) {
    return requests.stream()
        .filter(r -> runId.equals(r.runId()))
        .map(Request::counts)
        .reduce(TokenCounts.ZERO, TokenCounts::plus);
  }

  TokenCounts truthOfStep(String runId, StepIndex stepId) {
    return requests.stream()
        .filter(r -> runId.equals(r.runId()) && stepId.equals(r.stepId()))
        .map(Request::counts)
        .reduce(TokenCounts.ZERO, TokenCounts::plus);
  }

  TokenCounts foreignUsageOf(String apiKeyId) {
    return requests.stream()
        .filter(r -> r.runId() == null && r.apiKeyId().equals(apiKeyId))
        .map(Request::counts)
        .reduce(TokenCounts.ZERO, TokenCounts::plus);
  }
}
