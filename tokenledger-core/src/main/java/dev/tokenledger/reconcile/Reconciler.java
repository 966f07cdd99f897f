package dev.tokenledger.reconcile;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.WindowLimits;
import dev.tokenledger.attribution.AttributionResult;
import dev.tokenledger.attribution.Attributor;
import dev.tokenledger.attribution.Basis;
import dev.tokenledger.attribution.FetchPlanner;
import dev.tokenledger.attribution.LocalRequest;
import dev.tokenledger.attribution.QueryWindow;
import dev.tokenledger.attribution.RunAttribution;
import dev.tokenledger.attribution.RunWindow;
import dev.tokenledger.attribution.StepWindow;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.keys.FingerprintResolver;
import dev.tokenledger.ledger.Attempt;
import dev.tokenledger.ledger.ClaimStore;
import dev.tokenledger.ledger.ClaimStore.Claim;
import dev.tokenledger.ledger.Figure;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.MeterStore;
import dev.tokenledger.ledger.MeteredFigures;
import dev.tokenledger.ledger.Metering;
import dev.tokenledger.ledger.ProvenanceStore;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.SettlementStore;
import dev.tokenledger.ledger.SettlementStore.AttemptRecord;
import dev.tokenledger.ledger.SettlementStore.RunState;
import dev.tokenledger.ledger.StepRecord;
import dev.tokenledger.ledger.UsageStore;
import dev.tokenledger.openai.BadResponseException;
import dev.tokenledger.openai.BucketWidth;
import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.OpenAiException;
import dev.tokenledger.openai.PagedBuckets;
import dev.tokenledger.openai.Sleeper;
import dev.tokenledger.openai.UsageBucket;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.openai.UsageQuery;
import dev.tokenledger.openai.UsageResult;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Settles runs against the Usage API (DESIGN.md §4, §5): one {@link #pass} claims the runs not yet
 * final, reads minute buckets for the union of their windows once per endpoint, stores every read
 * before using it, attributes the rows to runs and steps, and stores one attempt per run read with
 * the status {@link RunSettler} derives from the run's stored history. A failed read keeps a run's
 * previous figures and status; the next pass finishes the job. Two reconcilers on one ledger never
 * work on the same run at once.
 */
public final class Reconciler {
  private static final List<Dimension> GROUP_BY =
      List.of(
          Dimension.API_KEY_ID,
          Dimension.MODEL,
          Dimension.PROJECT_ID,
          Dimension.SERVICE_TIER,
          Dimension.BATCH);
  private static final String NO_KEY =
      "not read: the run has no key id (record runs with the framework key's id)";
  private static final DateTimeFormatter PASS_TIME =
      DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final ClaimStore claims;
  private final UsageStore usage;
  private final SettlementStore settlements;
  private final ProvenanceStore provenance;
  private final MeterStore meterStore;
  private final MeterAudit meterAudit;
  private final OpenAiAdminClient client;
  private final RunSettler settler;
  private final Clock clock;
  private final Attributor attributor;
  private final FetchPlanner planner;
  private final Duration settleLag;
  private final Duration lease;
  private final PassListener listener;
  private final FingerprintResolver fingerprints;
  private final SecureRandom random = new SecureRandom();

  private Reconciler(Builder b) {
    this.claims = b.ledger.claimStore();
    this.usage = b.ledger.usageStore();
    this.settlements = b.ledger.settlementStore();
    this.provenance = b.ledger.provenanceStore();
    this.meterStore = b.ledger.meterStore();
    this.meterAudit = new MeterAudit(b.settleLag);
    this.client = b.client;
    this.settler = new RunSettler(b.settings);
    this.clock = b.clock != null ? b.clock : b.ledger.clock();
    this.attributor = new Attributor(b.settleLag);
    this.planner = new FetchPlanner(b.settleLag, b.mergeGap);
    this.settleLag = b.settleLag;
    this.lease = b.lease;
    this.listener = b.listener;
    this.fingerprints = b.fingerprints;
  }

  /** A builder reading with {@code client} into {@code ledger}. */
  public static Builder builder(Ledger ledger, OpenAiAdminClient client) {
    return new Builder(ledger, client);
  }

  /** The settle rules in force. */
  public ReconcileSettings settings() {
    return settler.settings();
  }

  // ---------------------------------------------------------------- one pass

  /** Runs one reconcile pass over the runs {@code request} selects. */
  public PassReport pass(PassRequest request) {
    Objects.requireNonNull(request, "request");
    Instant now = clock.instant();
    String passId = PASS_TIME.format(now) + "-" + hex(3);
    List<RunRecord> candidates =
        settlements.candidates(
            new SettlementStore.RunSelection(
                request.runIds(), request.experiment(), request.framework(), request.force()),
            now);
    Claim claim = claims.claim(candidates.stream().map(RunRecord::id).toList(), lease);
    boolean stored = false;
    try {
      PassReport report = work(request, passId, now, candidates.size(), claim);
      stored = true;
      return report;
    } finally {
      if (!stored) {
        releaseAfterFailure(claim);
      }
    }
  }

  private PassReport work(
      PassRequest request, String passId, Instant now, int considered, Claim claim) {
    List<RunState> states = settlements.states(claim.claimed());
    if (fingerprints != null) {
      boolean resolved = false;
      for (RunState s : states) {
        if (s.run().apiKeyId() == null && fingerprints.resolve(s.run()).isPresent()) {
          resolved = true;
        }
      }
      if (resolved) {
        states = settlements.states(claim.claimed());
      }
    }
    Map<String, RunHistory> histories = new HashMap<>();
    Map<String, String> notes = new HashMap<>();
    Map<String, RunWindow> planned = new LinkedHashMap<>();
    List<RunState> toRead = new ArrayList<>();
    for (RunState s : states) {
      RunHistory history = history(s);
      histories.put(s.run().id(), history);
      String unreadable = unreadable(s.run(), now);
      if (unreadable != null) {
        notes.put(s.run().id(), unreadable);
      } else if (!s.run().startedAt().isAfter(now)
          && (needsRead(s, history, now, request.force()) || recheckDue(s, now))) {
        toRead.add(s);
        planned.put(s.run().id(), window(s.run(), s.steps()));
      }
    }
    List<QueryWindow> plan = planner.plan(planned.values(), now);
    listener.planned(plan.size() * request.endpoints().size(), toRead.size());

    List<Read> reads = fetchAll(request.endpoints(), plan, passId);
    listener.attributing(toRead.size());

    Map<String, MeterAudit.RunAudit> audits = new HashMap<>();
    Map<UsageEndpoint, AttributionResult> results =
        attribute(request.endpoints(), plan, reads, planned, audits);
    List<SettlementStore.Unattributed> unattributedRows = new ArrayList<>();
    List<UnattributedUsage> unattributed = unattributed(results, reads, unattributedRows);
    Set<String> keysWithUnattributed = new TreeSet<>();
    unattributed.forEach(u -> keysWithUnattributed.add(u.apiKeyId()));

    List<AttemptRecord> attempts = new ArrayList<>();
    List<SettlementStore.Recheck> rechecks = new ArrayList<>();
    List<NewlyFinal> newlyFinal = new ArrayList<>();
    DelaySeen delaySeen = new DelaySeen(now);
    Map<String, RunOutcome> outcomes = new LinkedHashMap<>();
    Map<String, String> statuses = new LinkedHashMap<>();
    for (RunState s : states) {
      String id = s.run().id();
      RunHistory history = histories.get(id);
      if (!planned.containsKey(id)) {
        Assessment a = assess(s, history, clock.instant());
        statuses.put(id, a.status().label());
        outcomes.put(id, outcome(s.run(), a, false, false, null, notes.get(id)));
        continue;
      }
      List<Read> mine = readsOf(planned.get(id), reads);
      Instant at = mine.stream().map(r -> r.fetchedAt).max(Instant::compareTo).orElse(now);
      List<Long> readIds = mine.stream().filter(r -> r.id != null).map(r -> r.id).toList();
      Read failed = mine.stream().filter(r -> r.error != null).findFirst().orElse(null);
      if (failed != null) {
        String error = failed.message();
        Assessment a = assess(s, history.withRead(UsageRead.failure(at, error)), later(at));
        attempts.add(
            new AttemptRecord(
                id,
                at,
                readIds,
                null,
                error,
                a.status().label(),
                null,
                a.identicalReads(),
                List.of(),
                List.of(),
                List.of()));
        outcomes.put(id, outcome(s.run(), a, true, false, null, null));
        continue;
      }
      if (s.run().metered()) {
        MeteredFigures metered = meterStore.figures(id);
        Audit audit =
            audits.getOrDefault(id, MeterAudit.RunAudit.NONE).audit(metered.run().counts());
        Assessment a =
            assessMetered(
                history.withRead(UsageRead.success(at, audit.api())),
                audit.label(),
                audit.metered(),
                later(at));
        CountsDelta d = a.change();
        attempts.add(
            new AttemptRecord(
                id,
                at,
                readIds,
                audit.api(),
                null,
                a.status().label(),
                new SettlementStore.Change(d.input(), d.cachedInput(), d.output(), d.requests()),
                a.identicalReads(),
                meteredFigures(metered, audit),
                List.of(),
                List.of(),
                audit.label(),
                audit.metered()));
        outcomes.put(
            id,
            new RunOutcome(
                s.run(),
                a,
                true,
                false,
                Basis.METERED,
                List.of(),
                0,
                0,
                keysWithUnattributed.contains(s.run().apiKeyId()),
                null,
                audit));
        continue;
      }
      Map<UsageEndpoint, RunAttribution> perEndpoint = new EnumMap<>(UsageEndpoint.class);
      Map<UsageEndpoint, Long> readIdByEndpoint = new EnumMap<>(UsageEndpoint.class);
      for (Read r : mine) {
        perEndpoint.put(r.endpoint, results.get(r.endpoint).run(id).orElseThrow());
        readIdByEndpoint.put(r.endpoint, r.id);
      }
      RunFigures f = new RunFigures(perEndpoint, readIdByEndpoint, !s.steps().isEmpty());
      RunHistory read = history.withRead(UsageRead.success(at, f.total));
      Assessment a = settler.assess(read, later(at));
      recheck(s, history, read, a, at, rechecks, newlyFinal, delaySeen);
      CountsDelta d = a.change();
      attempts.add(
          new AttemptRecord(
              id,
              at,
              readIds,
              f.total,
              null,
              a.status().label(),
              new SettlementStore.Change(d.input(), d.cachedInput(), d.output(), d.requests()),
              a.identicalReads(),
              f.figures,
              f.lines,
              f.sharedMinutes));
      outcomes.put(
          id,
          new RunOutcome(
              s.run(),
              a,
              true,
              false,
              f.basis,
              f.sharedWith,
              f.sharedMinuteCount,
              f.apportionedSteps,
              keysWithUnattributed.contains(s.run().apiKeyId()),
              null));
    }
    for (NewlyFinal f : newlyFinal) {
      rechecks.add(
          new SettlementStore.Recheck(
              f.runId(), RunSettler.recheckAt(f.runEnd(), f.at(), delaySeen.largest())));
    }
    settlements.storeSettlement(
        claim, new SettlementStore.Settlement(attempts, statuses, unattributedRows, rechecks));

    for (RunState s : settlements.states(claim.busy())) {
      outcomes.put(s.run().id(), busy(s, assess(s, history(s), clock.instant())));
    }
    List<RunOutcome> ordered = new ArrayList<>(outcomes.values());
    ordered.sort(
        Comparator.comparing((RunOutcome o) -> o.run().startedAt())
            .thenComparing(o -> o.run().id()));
    Map<String, Integer> requests = new TreeMap<>();
    for (UsageEndpoint e : request.endpoints()) {
      requests.put(e.wireName(), 0);
    }
    int failedReads = 0;
    OpenAiException firstError = null;
    for (Read r : reads) {
      requests.merge(r.endpoint.wireName(), r.httpRequests, Integer::sum);
      if (r.error != null && r.id != null) {
        failedReads++;
      }
      if (firstError == null && r.error != null) {
        firstError = r.error;
      }
    }
    PassStats stats =
        new PassStats(
            new TreeMap<>(requests),
            plan,
            (int) reads.stream().filter(r -> r.id != null).count(),
            failedReads,
            considered,
            claim.claimed().size(),
            toRead.size());
    return new PassReport(passId, now, ordered, unattributed, stats, firstError);
  }

  // ---------------------------------------------------------------- the read once more

  /** A run this pass made final: its read once more is scheduled once the pass saw every read. */
  private record NewlyFinal(String runId, Instant runEnd, Instant at) {}

  /** Whether a final run is due for its read once more at {@code now}. */
  private static boolean recheckDue(RunState s, Instant now) {
    return s.recheckAt() != null && !now.isBefore(s.recheckAt());
  }

  /**
   * Schedules the read once more of a run that became final with this read, or clears it once a
   * read at or after its time was taken (its outcome, a change or not, is in the assessment).
   */
  private void recheck(
      RunState s,
      RunHistory before,
      RunHistory after,
      Assessment a,
      Instant at,
      List<SettlementStore.Recheck> rechecks,
      List<NewlyFinal> newlyFinal,
      DelaySeen delaySeen) {
    delaySeen.add(after);
    if (s.recheckAt() != null) {
      if (!at.isBefore(s.recheckAt())) {
        rechecks.add(new SettlementStore.Recheck(s.run().id(), null));
      }
      return;
    }
    boolean wasFinal = settler.assess(before, at).settledStatus() == ReconcileStatus.FINAL;
    if (a.status() == ReconcileStatus.FINAL && !wasFinal) {
      // its time is set once every read of the pass was seen (delaySeen)
      newlyFinal.add(new NewlyFinal(s.run().id(), after.runEnd(), at));
    }
  }

  /**
   * The largest reporting delay seen ({@link RunSettler#delaySeen}) over the runs that ended in the
   * last 30 days, from their stored reads and this pass's; read from the ledger once per pass, when
   * a run first needs it.
   */
  private final class DelaySeen {
    private static final Duration LOOK_BACK = Duration.ofDays(30);
    private final Instant now;
    private Duration largest = Duration.ZERO;
    private boolean loaded;

    DelaySeen(Instant now) {
      this.now = now;
    }

    void add(RunHistory history) {
      RunSettler.delaySeen(history.runEnd(), history.reads()).ifPresent(this::max);
    }

    Duration largest() {
      if (!loaded) {
        loaded = true;
        String run = null;
        Instant end = null;
        List<UsageRead> reads = new ArrayList<>();
        for (ProvenanceStore.ReadAfterEnd r : provenance.readsAfterEnd(now.minus(LOOK_BACK))) {
          if (!r.runId().equals(run)) {
            RunSettler.delaySeen(end, reads).ifPresent(this::max);
            run = r.runId();
            end = r.runEnd();
            reads.clear();
          }
          reads.add(UsageRead.success(r.at(), r.counts()));
        }
        RunSettler.delaySeen(end, reads).ifPresent(this::max);
      }
      return largest;
    }

    private void max(Duration d) {
      largest = d.compareTo(largest) > 0 ? d : largest;
    }
  }

  private static RunOutcome busy(RunState s, Assessment a) {
    return new RunOutcome(
        s.run(),
        a,
        false,
        true,
        null,
        List.of(),
        0,
        0,
        false,
        "held by another reconciler: left alone in this pass");
  }

  /**
   * Where runs {@code runIds} stand in the ledger now, without reading anything: their status from
   * their stored reads, flagged busy when another reconciler holds them. What a reconcile shows
   * last for runs its last pass did not read (another reconciler may have settled them since).
   */
  public List<RunOutcome> standing(Collection<String> runIds) {
    Instant now = clock.instant();
    Set<String> held = claims.heldByOthers(runIds);
    List<RunOutcome> out = new ArrayList<>();
    for (RunState s : settlements.states(runIds)) {
      Assessment a = assess(s, history(s), now);
      if (held.contains(s.run().id())) {
        out.add(busy(s, a));
      } else {
        out.add(outcome(s.run(), a, false, false, null, unreadable(s.run(), now)));
      }
    }
    return out;
  }

  /** Why run {@code run} is never read as recorded, or null when it can be. */
  private static String unreadable(RunRecord run, Instant now) {
    if (run.apiKeyId() == null) {
      return run.keyFingerprint() == null
          ? NO_KEY
          : "not read: the run has no key id, and its key's fingerprint was not resolved: set"
              + " OPENAI_API_KEY_"
              + run.framework().toUpperCase(Locale.ROOT).replace('-', '_')
              + "_ID, or give reconcile that framework's key (OPENAI_API_KEY_"
              + run.framework().toUpperCase(Locale.ROOT).replace('-', '_')
              + ") and an admin key with api.organization.read";
    }
    // asked for, an implausible window would cost thousands of pages or a 400 that fails the pass
    return implausible(run, now)
        .map(
            why ->
                "not read: its window "
                    + why
                    + "; correct the record (or remove the run) and import it again")
        .orElse(null);
  }

  /** Why a run's recorded window cannot be asked for (see {@link WindowLimits}), if it cannot. */
  private static Optional<String> implausible(RunRecord run, Instant now) {
    return WindowLimits.implausible(run.startedAt(), run.effectiveEnd(), now);
  }

  private RunOutcome outcome(
      RunRecord run, Assessment a, boolean read, boolean busy, Basis basis, String note) {
    return new RunOutcome(run, a, read, busy, basis, List.of(), 0, 0, false, note);
  }

  private Instant later(Instant at) {
    Instant now = clock.instant();
    return now.isAfter(at) ? now : at;
  }

  // ---------------------------------------------------------------- reading

  /** One read of one endpoint over one window: stored (id set), or skipped after a refusal. */
  private static final class Read {
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

    boolean covers(Instant minute) {
      return !minute.isBefore(window.start()) && minute.isBefore(window.end());
    }
  }

  private List<Read> fetchAll(
      List<UsageEndpoint> endpoints, List<QueryWindow> plan, String passId) {
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
        usage.storeRead(
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
  private static List<Read> readsOf(RunWindow run, List<Read> reads) {
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

  // ---------------------------------------------------------------- attributing

  private Map<UsageEndpoint, AttributionResult> attribute(
      List<UsageEndpoint> endpoints,
      List<QueryWindow> plan,
      List<Read> reads,
      Map<String, RunWindow> planned,
      Map<String, MeterAudit.RunAudit> audits) {
    Map<UsageEndpoint, AttributionResult> results = new EnumMap<>(UsageEndpoint.class);
    if (plan.isEmpty()) {
      return results;
    }
    // every run of the keys read that may reach into the windows takes part, settled or not
    Set<String> keys = new TreeSet<>();
    plan.forEach(w -> keys.addAll(w.apiKeyIds()));
    Instant from = plan.get(0).start().minus(settleLag).minus(Duration.ofMinutes(1));
    Instant to = plan.get(plan.size() - 1).end();
    Map<String, RunWindow> windows = new LinkedHashMap<>();
    Map<String, RunWindow> metered = new LinkedHashMap<>();
    Set<String> meterFailed = new TreeSet<>();
    for (RunRecord r : settlements.runsOfKeys(keys, from, to)) {
      RunWindow w = planned.containsKey(r.id()) ? planned.get(r.id()) : window(r, List.of());
      (r.metered() ? metered : windows).put(r.id(), w);
      if (r.metering() == Metering.METER_FAILED) {
        meterFailed.add(r.id());
      }
    }
    planned.forEach(
        (id, w) -> {
          if (!metered.containsKey(id)) {
            windows.put(id, w);
          }
        });
    Map<UsageEndpoint, List<UsageRow>> rows = new EnumMap<>(UsageEndpoint.class);
    for (UsageEndpoint e : endpoints) {
      List<UsageRow> endpointRows = new ArrayList<>();
      for (Read r : reads) {
        if (r.endpoint == e && r.error == null) {
          endpointRows.addAll(r.rows);
        }
      }
      rows.put(e, endpointRows);
    }
    if (!metered.isEmpty()) {
      // requests recorded by fingerprint alone take the ids their fingerprints resolved to since
      meterStore.applyKeyIds();
      // metered usage comes out of the rows first; what is left is the unmetered runs' usage
      List<MeterStore.StoredRequest> requests = new ArrayList<>();
      for (MeterStore.StoredRequest r : meterStore.requests(metered.keySet())) {
        if (r.counts() != null || r.usageState().usageUnknown()) {
          requests.add(r);
        }
      }
      MeterAudit.Result audit =
          meterAudit.audit(rows, requests, auditWindows(metered), auditWindows(windows));
      rows = audit.residual();
      audits.putAll(audit.runs());
    }
    Map<UsageEndpoint, List<LocalRequest>> local = new EnumMap<>(UsageEndpoint.class);
    // the requests a failed meter recorded are only some of the run's: they split nothing
    Set<String> counted = new TreeSet<>(windows.keySet());
    counted.removeAll(meterFailed);
    for (UsageStore.RequestUsage u : usage.requestUsage(counted)) {
      local
          .computeIfAbsent(MeterAudit.endpointOf(u.endpoint()), k -> new ArrayList<>())
          .add(
              new LocalRequest(
                  u.at(),
                  u.runId(),
                  u.stepIndex() == null ? null : String.valueOf(u.stepIndex()),
                  u.model(),
                  u.counts()));
    }
    for (UsageEndpoint e : endpoints) {
      results.put(
          e,
          attributor.attribute(
              rows.getOrDefault(e, List.of()), windows.values(), local.getOrDefault(e, List.of())));
    }
    return results;
  }

  private static List<MeterAudit.Window> auditWindows(Map<String, RunWindow> windows) {
    return windows.values().stream()
        .map(w -> new MeterAudit.Window(w.runId(), w.apiKeyId(), w.start(), w.end()))
        .toList();
  }

  // ---------------------------------------------------------------- metered runs

  /** Where run {@code s} stands: the settler's word, and for a metered run its last audit's. */
  private Assessment assess(RunState s, RunHistory history, Instant now) {
    if (!s.run().metered()) {
      return settler.assess(history, now);
    }
    Attempt audited = null;
    for (Attempt a : s.attempts()) {
      if (a.counts() != null) {
        audited = a;
      }
    }
    return audited == null
        ? settler.assess(history, now)
        : assessMetered(history, audited.audit(), audited.metered(), now);
  }

  /**
   * The settler's status of a metered run's audited minutes, but a run whose settled API figures
   * are below its metered usage is in warning (until a person accepts it).
   */
  private Assessment assessMetered(
      RunHistory history, String audit, TokenCounts metered, Instant now) {
    Assessment a = settler.assess(history, now);
    boolean accepted =
        history.acceptedAt() != null
            && a.figuresReadAt() != null
            && !a.figuresReadAt().isAfter(history.acceptedAt());
    if (a.settledStatus() != ReconcileStatus.FINAL
        || !Audit.API_BELOW.equals(audit)
        || metered == null
        || accepted) {
      return a;
    }
    ReconcileWarning warning =
        new ReconcileWarning(
            ReconcileWarning.Kind.API_BELOW_METERED,
            a.figuresReadAt(),
            CountsDelta.between(metered, a.figures()));
    return new Assessment(
        a.status() == ReconcileStatus.ERROR ? ReconcileStatus.ERROR : ReconcileStatus.WARNING,
        ReconcileStatus.WARNING,
        a.figures(),
        a.figuresReadAt(),
        a.change(),
        a.identicalReads(),
        warning,
        a.lastError());
  }

  /** Whether a pass should read run {@code s}; a metered run in warning is read again too. */
  private boolean needsRead(RunState s, RunHistory history, Instant now, boolean force) {
    if (settler.needsRead(history, now, force)) {
      return true;
    }
    if (!s.run().metered() || assess(s, history, now).settledStatus() != ReconcileStatus.WARNING) {
      return false;
    }
    List<UsageRead> reads = history.reads();
    for (int i = reads.size() - 1; i >= 0; i--) {
      if (reads.get(i).succeeded()) {
        return !now.isBefore(reads.get(i).at().plus(settler.settings().interval()));
      }
    }
    return true;
  }

  /** The figures a metered run's attempt stores: its metered sums, bounded by the API's. */
  private static List<Figure> meteredFigures(MeteredFigures m, Audit audit) {
    List<Figure> out = new ArrayList<>();
    TokenCounts run = m.run().counts();
    out.add(new Figure(null, run, false, run, run.plus(audit.unmetered()), 0));
    m.steps()
        .forEach(
            (index, part) ->
                out.add(new Figure(index, part.counts(), false, part.counts(), part.counts(), 0)));
    out.sort(Comparator.comparing((Figure f) -> f.stepIndex() == null ? -1 : f.stepIndex()));
    return out;
  }

  private static List<UnattributedUsage> unattributed(
      Map<UsageEndpoint, AttributionResult> results,
      List<Read> reads,
      List<SettlementStore.Unattributed> rows) {
    Map<String, List<UsageRow>> byKey = new TreeMap<>();
    results.forEach(
        (endpoint, result) -> {
          for (UsageRow row : result.unattributed()) {
            for (Read r : reads) {
              if (r.endpoint == endpoint
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

  // ---------------------------------------------------------------- runs

  private static RunWindow window(RunRecord run, List<StepRecord> steps) {
    Instant start = run.startedAt();
    Instant end = run.effectiveEnd();
    if (end != null && end.isBefore(start)) {
      end = start;
    }
    List<StepWindow> stepWindows = new ArrayList<>();
    for (StepRecord s : steps) {
      Instant stepEnd = s.effectiveEnd();
      if (stepEnd != null && stepEnd.isBefore(s.startedAt())) {
        stepEnd = s.startedAt();
      }
      stepWindows.add(new StepWindow(String.valueOf(s.index()), s.startedAt(), stepEnd));
    }
    return new RunWindow(run.id(), run.apiKeyId(), start, end, stepWindows);
  }

  static RunHistory history(RunState s) {
    List<UsageRead> reads = new ArrayList<>();
    for (Attempt a : s.attempts()) {
      reads.add(
          a.counts() != null
              ? UsageRead.success(a.attemptedAt(), a.counts())
              : UsageRead.failure(a.attemptedAt(), a.error() == null ? "failed" : a.error()));
    }
    // a metered run's local counts are audited by MeterAudit, not compared whole; a failed meter's
    // are partial
    TokenCounts local = s.run().metering() != Metering.NONE ? null : s.localCounts();
    return new RunHistory(s.run().effectiveEnd(), reads, local, s.acceptedAt());
  }

  private void releaseAfterFailure(Claim claim) {
    try {
      claims.release(claim);
    } catch (RuntimeException ignored) {
      // the claim expires by itself; the original failure is what the caller needs to see
    }
  }

  private String hex(int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  // ---------------------------------------------------------------- acceptance and watching

  /**
   * Accepts the figures of run {@code runId}, which must be in warning ({@code reconcile
   * --accept}): the run becomes final with its current figures, until a later read changes them.
   *
   * @throws ReconcileException when the run is not in warning
   */
  public void accept(String runId) {
    Objects.requireNonNull(runId, "runId");
    List<RunState> states = settlements.states(List.of(runId));
    if (states.isEmpty()) {
      throw new ReconcileException(
          "no run '" + runId + "' in the ledger; 'tokenledger run list' shows the runs");
    }
    Instant now = clock.instant();
    Assessment a = assess(states.get(0), history(states.get(0)), now);
    if (a.settledStatus() != ReconcileStatus.WARNING) {
      // name the status the ledger holds: assessed with this call's settings (a longer min-age),
      // a final run could look pending
      String stored = states.get(0).run().reconcileStatus();
      throw new ReconcileException(
          "run "
              + runId
              + " is "
              + (stored != null ? stored : a.settledStatus().label())
              + ", not in warning: only a run in warning needs --accept");
    }
    settlements.accept(runId, now);
  }

  /**
   * Repeats passes until no run can move on by itself ({@link PassReport#settled()}) or {@code
   * timeout} has passed, waiting the settle interval between passes with {@code sleeper}; hands
   * every pass to {@code eachPass} and returns the last.
   */
  public PassReport watch(
      PassRequest request, Duration timeout, Sleeper sleeper, Consumer<PassReport> eachPass) {
    Objects.requireNonNull(sleeper, "sleeper");
    Instant deadline = timeout == null ? null : clock.instant().plus(timeout);
    while (true) {
      PassReport report = pass(request);
      eachPass.accept(report);
      if (report.settled()) {
        return report;
      }
      Duration wait =
          settings().interval().isZero() ? Duration.ofSeconds(1) : settings().interval();
      if (deadline != null && clock.instant().plus(wait).isAfter(deadline)) {
        return report;
      }
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return report;
      }
    }
  }

  /** Settings of a {@link Reconciler}; all but the ledger and client have defaults. */
  public static final class Builder {
    private final Ledger ledger;
    private final OpenAiAdminClient client;
    private ReconcileSettings settings = ReconcileSettings.DEFAULTS;
    private Clock clock;
    private Duration settleLag = Attributor.DEFAULT_SETTLE_LAG;
    private Duration mergeGap = FetchPlanner.DEFAULT_MERGE_GAP;
    private Duration lease = ClaimStore.DEFAULT_LEASE;
    private PassListener listener = PassListener.NONE;
    private FingerprintResolver fingerprints;

    private Builder(Ledger ledger, OpenAiAdminClient client) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      this.client = Objects.requireNonNull(client, "client");
    }

    /** min-age, stable-reads and interval; default {@link ReconcileSettings#DEFAULTS}. */
    public Builder settings(ReconcileSettings value) {
      this.settings = Objects.requireNonNull(value, "settings");
      return this;
    }

    /** The clock passes run on; default the ledger's. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** How long after a window's end its usage may still be filed; default 30 s. */
    public Builder settleLag(Duration value) {
      this.settleLag = Objects.requireNonNull(value, "settleLag");
      return this;
    }

    /** Windows at most this far apart are fetched as one; default 60 min. */
    public Builder mergeGap(Duration value) {
      this.mergeGap = Objects.requireNonNull(value, "mergeGap");
      return this;
    }

    /** How long a claim on a run lasts if its pass never finishes; default 30 min. */
    public Builder lease(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("lease must be positive, got " + value);
      }
      this.lease = value;
      return this;
    }

    /** Hears the progress of every pass; default nothing. */
    public Builder listener(PassListener value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /**
     * Resolves the key id of runs recorded with a key fingerprint and no id, before they are read;
     * default none (such runs are not read).
     */
    public Builder fingerprints(FingerprintResolver value) {
      this.fingerprints = Objects.requireNonNull(value, "fingerprints");
      return this;
    }

    public Reconciler build() {
      return new Reconciler(this);
    }
  }
}
