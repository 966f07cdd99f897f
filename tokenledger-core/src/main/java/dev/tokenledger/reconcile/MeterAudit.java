package dev.tokenledger.reconcile;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.ledger.MeterStore.StoredRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The audit of metered runs by the Usage API (docs/metering.md): per key and endpoint, the minutes
 * that hold usage or metered requests are grouped into clusters of consecutive minutes (a request
 * the proxy saw end at :59.9 may be filed in the next minute), and in each cluster that concerns a
 * metered run what the API filed is compared with what was metered. The metered usage is taken out
 * of the API's rows; what is left is the usage of the unmetered runs of the key in those minutes
 * (attributed to them as without metering), or, when there are none, usage that went around the
 * meter: flagged {@code unmetered} on the metered runs of the cluster. Metered usage the API does
 * not show is a deficit: a warning once the reads have settled.
 */
final class MeterAudit {
  private static final long MINUTE = 60_000L;

  /** What the audit found for one metered run, over the clusters that concern it. */
  record RunAudit(
      TokenCounts api,
      TokenCounts metered,
      TokenCounts unmetered,
      TokenCounts deficit,
      int clusters) {

    static final RunAudit NONE =
        new RunAudit(TokenCounts.ZERO, TokenCounts.ZERO, TokenCounts.ZERO, TokenCounts.ZERO, 0);

    RunAudit plus(Cluster c, boolean flagExcess) {
      return new RunAudit(
          api.plus(c.api),
          metered.plus(c.metered),
          flagExcess ? unmetered.plus(c.excess) : unmetered,
          deficit.plus(c.deficit),
          clusters + 1);
    }

    /** {@code audited}, {@code unmetered} or {@code api_below}. */
    String label() {
      if (!deficit.isZero()) {
        return Audit.API_BELOW;
      }
      return unmetered.isZero() ? Audit.AUDITED : Audit.UNMETERED;
    }

    Audit audit(TokenCounts run) {
      return new Audit(label(), run, api, metered, unmetered, deficit);
    }
  }

  /** A metered or unmetered run of a key, by its window widened by the settle lag. */
  record Window(String runId, String apiKeyId, Instant start, Instant end) {}

  /** The rows left for attribution, per endpoint, and the audit of each metered run. */
  record Result(Map<Endpoint, List<UsageRow>> residual, Map<String, RunAudit> runs) {}

  private static final class Cluster {
    final TreeSet<Long> minutes = new TreeSet<>();
    final List<UsageRow> rows = new ArrayList<>();
    final List<StoredRequest> requests = new ArrayList<>();
    TokenCounts api = TokenCounts.ZERO;
    TokenCounts metered = TokenCounts.ZERO;
    TokenCounts excess = TokenCounts.ZERO;
    TokenCounts deficit = TokenCounts.ZERO;
  }

  private final long lagMillis;

  MeterAudit(Duration settleLag) {
    this.lagMillis = settleLag.toMillis();
  }

  /**
   * Audits {@code rows} (the successful reads, per endpoint) against {@code requests} (the metered
   * requests of {@code meteredRuns}); {@code unmeteredRuns} are the other runs of the keys read.
   */
  Result audit(
      Map<Endpoint, List<UsageRow>> rows,
      Collection<StoredRequest> requests,
      Collection<Window> meteredRuns,
      Collection<Window> unmeteredRuns) {
    Map<Endpoint, List<UsageRow>> residual = new EnumMap<>(Endpoint.class);
    Map<String, RunAudit> audits = new HashMap<>();
    meteredRuns.forEach(w -> audits.put(w.runId(), RunAudit.NONE));
    for (Map.Entry<Endpoint, List<UsageRow>> e : rows.entrySet()) {
      Endpoint endpoint = e.getKey();
      List<UsageRow> left = new ArrayList<>();
      Map<String, List<UsageRow>> rowsByKey = new TreeMap<>();
      for (UsageRow r : e.getValue()) {
        rowsByKey.computeIfAbsent(r.apiKeyId(), k -> new ArrayList<>()).add(r);
      }
      Map<String, List<StoredRequest>> requestsByKey = new TreeMap<>();
      for (StoredRequest r : requests) {
        if (r.apiKeyId() != null && Endpoint.ofLocal(r.endpoint()) == endpoint) {
          requestsByKey.computeIfAbsent(r.apiKeyId(), k -> new ArrayList<>()).add(r);
        }
      }
      Set<String> keys = new TreeSet<>(rowsByKey.keySet());
      keys.addAll(requestsByKey.keySet());
      for (String key : keys) {
        for (Cluster c :
            clusters(
                rowsByKey.getOrDefault(key, List.of()),
                requestsByKey.getOrDefault(key, List.of()))) {
          Set<String> metered = new LinkedHashSet<>();
          c.requests.forEach(r -> metered.add(r.runId()));
          for (Window w : meteredRuns) {
            if (w.apiKeyId().equals(key) && overlaps(w, c)) {
              metered.add(w.runId());
            }
          }
          metered.retainAll(audits.keySet());
          if (metered.isEmpty()) {
            left.addAll(c.rows);
            continue;
          }
          boolean othersThere =
              unmeteredRuns.stream().anyMatch(w -> w.apiKeyId().equals(key) && overlaps(w, c));
          left.addAll(subtract(c));
          for (String runId : metered) {
            audits.merge(runId, RunAudit.NONE.plus(c, !othersThere), MeterAudit::sum);
          }
        }
      }
      residual.put(endpoint, left);
    }
    return new Result(residual, audits);
  }

  private static RunAudit sum(RunAudit a, RunAudit b) {
    return new RunAudit(
        a.api().plus(b.api()),
        a.metered().plus(b.metered()),
        a.unmetered().plus(b.unmetered()),
        a.deficit().plus(b.deficit()),
        a.clusters() + b.clusters());
  }

  /** The clusters of consecutive minutes holding {@code rows} or {@code requests} of one key. */
  private static List<Cluster> clusters(List<UsageRow> rows, List<StoredRequest> requests) {
    TreeMap<Long, List<UsageRow>> rowsByMinute = new TreeMap<>();
    for (UsageRow r : rows) {
      if (!r.counts().isZero()) {
        rowsByMinute.computeIfAbsent(r.minute().toEpochMilli(), m -> new ArrayList<>()).add(r);
      }
    }
    TreeMap<Long, List<StoredRequest>> requestsByMinute = new TreeMap<>();
    for (StoredRequest r : requests) {
      requestsByMinute
          .computeIfAbsent(floor(r.finishedAt().toEpochMilli()), m -> new ArrayList<>())
          .add(r);
    }
    TreeSet<Long> minutes = new TreeSet<>(rowsByMinute.keySet());
    minutes.addAll(requestsByMinute.keySet());
    List<Cluster> out = new ArrayList<>();
    Cluster current = null;
    for (long m : minutes) {
      if (current == null || current.minutes.last() + MINUTE < m) {
        current = new Cluster();
        out.add(current);
      }
      current.minutes.add(m);
      for (UsageRow r : rowsByMinute.getOrDefault(m, List.of())) {
        current.rows.add(r);
        current.api = current.api.plus(r.counts());
      }
      for (StoredRequest r : requestsByMinute.getOrDefault(m, List.of())) {
        current.requests.add(r);
        if (r.counts() != null) {
          current.metered = current.metered.plus(r.counts());
        }
      }
    }
    return out;
  }

  /**
   * Takes the cluster's metered usage out of its rows, the request's own model first, then any;
   * returns the rows left and sets the cluster's excess and deficit.
   */
  private static List<UsageRow> subtract(Cluster c) {
    Map<String, long[]> owed = new TreeMap<>();
    long[] anyModel = new long[4];
    for (StoredRequest r : c.requests) {
      if (r.counts() != null) {
        long[] v = r.model() == null ? anyModel : owed.computeIfAbsent(r.model(), m -> new long[4]);
        add(v, r.counts());
      }
    }
    List<long[]> left = new ArrayList<>();
    for (UsageRow r : c.rows) {
      left.add(counters(r.counts()));
    }
    for (int i = 0; i < c.rows.size(); i++) {
      long[] v = owed.get(c.rows.get(i).model());
      if (v != null) {
        take(left.get(i), v);
      }
    }
    List<long[]> rest = new ArrayList<>(owed.values());
    rest.add(anyModel);
    for (long[] v : rest) {
      for (long[] row : left) {
        take(row, v);
      }
    }
    long[] deficit = new long[4];
    rest.forEach(v -> add(deficit, v));
    c.deficit = counts(deficit);
    List<UsageRow> out = new ArrayList<>();
    TokenCounts excess = TokenCounts.ZERO;
    for (int i = 0; i < c.rows.size(); i++) {
      TokenCounts remaining = counts(left.get(i));
      if (!remaining.isZero()) {
        out.add(c.rows.get(i).withCounts(remaining));
        excess = excess.plus(remaining);
      }
    }
    c.excess = excess;
    return out;
  }

  /** uncached input, cached input, output, requests. */
  private static long[] counters(TokenCounts t) {
    return new long[] {t.uncachedInput(), t.cachedInput(), t.output(), t.requests()};
  }

  private static void add(long[] v, TokenCounts t) {
    long[] c = counters(t);
    for (int i = 0; i < 4; i++) {
      v[i] += c[i];
    }
  }

  private static void add(long[] v, long[] w) {
    for (int i = 0; i < 4; i++) {
      v[i] += w[i];
    }
  }

  private static void take(long[] row, long[] owed) {
    for (int i = 0; i < 4; i++) {
      long t = Math.min(row[i], owed[i]);
      row[i] -= t;
      owed[i] -= t;
    }
  }

  private static TokenCounts counts(long[] v) {
    return new TokenCounts(v[0] + v[1], v[1], v[2], v[3]);
  }

  private boolean overlaps(Window w, Cluster c) {
    long start = w.start().toEpochMilli();
    long end = w.end() == null ? Long.MAX_VALUE : w.end().toEpochMilli() + lagMillis;
    for (long m : c.minutes) {
      if (start < m + MINUTE && m < end) {
        return true;
      }
    }
    return false;
  }

  private static long floor(long millis) {
    return Math.floorDiv(millis, MINUTE) * MINUTE;
  }

  static Window window(String runId, String apiKeyId, Instant start, Instant end) {
    return new Window(Objects.requireNonNull(runId), apiKeyId, start, end);
  }
}
