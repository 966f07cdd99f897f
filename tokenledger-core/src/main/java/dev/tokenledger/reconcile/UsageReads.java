package dev.tokenledger.reconcile;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.Attributor;
import dev.tokenledger.attribution.QueryWindow;
import dev.tokenledger.attribution.RunWindow;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.ledger.SettlementStore;
import dev.tokenledger.ledger.UsageStore;
import dev.tokenledger.openai.BadResponseException;
import dev.tokenledger.openai.BucketWidth;
import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.OpenAiException;
import dev.tokenledger.openai.PagedBuckets;
import dev.tokenledger.openai.UsageBucket;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.openai.UsageQuery;
import dev.tokenledger.openai.UsageResult;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The reads of one pass: every endpoint over every planned window, with {@code bucket_width=1m} and
 * the grouping attribution needs, each stored before it is used; the page's buckets become {@link
 * UsageRow}s here, the one change of shape on the way in.
 */
final class UsageReads {
  private static final List<Dimension> GROUP_BY =
      List.of(
          Dimension.API_KEY_ID,
          Dimension.MODEL,
          Dimension.PROJECT_ID,
          Dimension.SERVICE_TIER,
          Dimension.BATCH);

  private final OpenAiAdminClient client;
  private final UsageStore store;
  private final Clock clock;
  private final PassListener listener;

  UsageReads(OpenAiAdminClient client, UsageStore store, Clock clock, PassListener listener) {
    this.client = client;
    this.store = store;
    this.clock = clock;
    this.listener = listener;
  }

  /** One read of one endpoint over one window: stored (id set), or skipped after a refusal. */
  static final class Read {
    final UsageEndpoint endpoint;
    final QueryWindow window;
    final Long id;
    final List<UsageRow> rows;
    final OpenAiException error;
    final Instant fetchedAt;
    final int httpRequests;

    Read(
        UsageEndpoint endpoint,
        QueryWindow window,
        Long id,
        List<UsageRow> rows,
        OpenAiException error,
        Instant fetchedAt,
        int httpRequests) {
      this.endpoint = endpoint;
      this.window = window;
      this.id = id;
      this.rows = rows;
      this.error = error;
      this.fetchedAt = fetchedAt;
      this.httpRequests = httpRequests;
    }

    String message() {
      String m = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
      return id == null ? "not read: " + m : m;
    }

    /** The endpoint as the figures read here name it. */
    Endpoint figureEndpoint() {
      return endpoint.endpoint();
    }

    boolean covers(Instant minute) {
      return !minute.isBefore(window.start()) && minute.isBefore(window.end());
    }
  }

  List<Read> fetchAll(List<UsageEndpoint> endpoints, List<QueryWindow> plan, String passId) {
    List<Read> reads = new ArrayList<>();
    KeyRefusedException refused = null;
    for (UsageEndpoint endpoint : endpoints) {
      for (QueryWindow window : plan) {
        Read read;
        if (refused != null) {
          // the same key would be refused again: do not ask, say why
          read = new Read(endpoint, window, null, List.of(), refused, clock.instant(), 0);
        } else {
          read = fetch(endpoint, window, passId);
          if (read.error instanceof KeyRefusedException k) {
            refused = k;
          }
        }
        reads.add(read);
        listener.readStored(reads.size(), endpoint, window, read.error != null);
      }
    }
    return reads;
  }

  private Read fetch(UsageEndpoint endpoint, QueryWindow window, String passId) {
    List<Dimension> groupBy =
        GROUP_BY.stream().filter(d -> endpoint.groupByValues().contains(d)).toList();
    UsageQuery query =
        UsageQuery.builder(endpoint)
            .window(window.start(), window.end())
            .width(BucketWidth.MINUTE)
            .groupBy(groupBy)
            .apiKeyIds(window.apiKeyIds())
            .build();
    PagedBuckets<UsageBucket> pages = client.usage(query);
    List<UsageRow> rows = new ArrayList<>();
    List<String> rawRows = new ArrayList<>();
    OpenAiException error = null;
    try {
      for (UsageBucket bucket : pages) {
        for (int i = 0; i < bucket.results().size(); i++) {
          rows.add(row(bucket, bucket.results().get(i), query));
          rawRows.add(bucket.rawResult(i));
        }
      }
    } catch (OpenAiException e) {
      error = e;
      rows.clear();
      rawRows.clear();
    }
    Instant fetchedAt = clock.instant();
    int httpRequests = pages.stats().httpRequests();
    long id =
        store.storeRead(
            new UsageStore.ReadRecord(
                endpoint.wireName(),
                BucketWidth.MINUTE.wire(),
                window.start(),
                window.end(),
                String.join(",", groupBy.stream().map(Dimension::wire).toList()),
                window.apiKeyIds(),
                query.toQueryString(),
                fetchedAt,
                httpRequests,
                error == null ? null : messageOf(error),
                passId),
            rows,
            rawRows);
    return new Read(endpoint, window, id, rows, error, fetchedAt, httpRequests);
  }

  private static String messageOf(OpenAiException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static UsageRow row(UsageBucket bucket, UsageResult result, UsageQuery query) {
    Object key = result.dimension(Dimension.API_KEY_ID);
    Object model = result.dimension(Dimension.MODEL);
    Object tier = result.dimension(Dimension.SERVICE_TIER);
    Object batch = result.dimension(Dimension.BATCH);
    try {
      return new UsageRow(
          bucket.start(),
          key == null ? null : key.toString(),
          model == null ? null : model.toString(),
          tier == null ? null : tier.toString(),
          batch instanceof Boolean b ? b : null,
          result.projectId(),
          result.tokens());
    } catch (IllegalArgumentException e) {
      throw new BadResponseException(
          "a usage row of " + query + " cannot be attributed: " + e.getMessage(),
          null,
          0,
          BadResponseException.Kind.UNEXPECTED_JSON,
          null,
          e);
    }
  }

  /** The reads (one per endpoint) whose windows hold the run's first minute. */
  static List<Read> readsOf(RunWindow run, List<Read> reads) {
    Instant firstMinute =
        Instant.ofEpochSecond(Math.floorDiv(run.start().getEpochSecond(), 60) * 60);
    List<Read> out = new ArrayList<>();
    for (Read r : reads) {
      if (r.covers(firstMinute) && r.window.apiKeyIds().contains(run.apiKeyId())) {
        out.add(r);
      }
    }
    return out;
  }

  static List<UnattributedUsage> unattributed(
      Map<Endpoint, Attributor.Pending> results,
      List<Read> reads,
      List<SettlementStore.Unattributed> rows) {
    Map<String, List<UsageRow>> byKey = new TreeMap<>();
    results.forEach(
        (endpoint, result) -> {
          for (UsageRow row : result.unattributed()) {
            for (Read r : reads) {
              if (r.figureEndpoint() == endpoint
                  && r.id != null
                  && r.error == null
                  && r.covers(row.minute())) {
                rows.add(new SettlementStore.Unattributed(r.id, row));
                break;
              }
            }
            byKey.computeIfAbsent(row.apiKeyId(), k -> new ArrayList<>()).add(row);
          }
        });
    List<UnattributedUsage> out = new ArrayList<>();
    byKey.forEach(
        (key, list) -> {
          TokenCounts sum = TokenCounts.ZERO;
          TreeSet<Instant> minutes = new TreeSet<>();
          for (UsageRow row : list) {
            sum = sum.plus(row.counts());
            minutes.add(row.minute());
          }
          out.add(new UnattributedUsage(key, sum, minutes.size(), minutes.first(), minutes.last()));
        });
    return out;
  }
}
