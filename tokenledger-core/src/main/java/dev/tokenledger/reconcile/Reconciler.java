package dev.tokenledger.reconcile;

import dev.tokenledger.attribution.Attributor;
import dev.tokenledger.attribution.FetchPlanner;
import dev.tokenledger.attribution.QueryWindow;
import dev.tokenledger.attribution.RunAttribution;
import dev.tokenledger.attribution.RunWindow;
import dev.tokenledger.figures.Basis;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.keys.FingerprintResolver;
import dev.tokenledger.ledger.ClaimStore;
import dev.tokenledger.ledger.ClaimStore.Claim;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.MeterStore;
import dev.tokenledger.ledger.MeteredFigures;
import dev.tokenledger.ledger.ProvenanceStore;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.SettlementStore;
import dev.tokenledger.ledger.SettlementStore.AttemptRecord;
import dev.tokenledger.ledger.SettlementStore.RunState;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.OpenAiException;
import dev.tokenledger.openai.Sleeper;
import dev.tokenledger.openai.UsageEndpoint;
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
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Settles runs against the Usage API (docs/design.md §4, §5): one {@link #pass} claims the runs not
 * yet final, reads minute buckets for the union of their windows once per endpoint, stores every
 * read before using it, attributes the rows to runs and steps, and stores one attempt per run read
 * with the status {@link RunSettler} derives from the run's stored history. A failed read keeps a
 * run's previous figures and status; the next pass finishes the job. Two reconcilers on one ledger
 * never work on the same run at once.
 */
public final class Reconciler {
  private static final DateTimeFormatter PASS_TIME =
      DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final ClaimStore claims;
  private final SettlementStore settlements;
  private final ProvenanceStore provenance;
  private final MeterStore meterStore;
  private final RunSettler settler;
  private final RunStanding standing;
  private final Clock clock;
  private final FetchPlanner planner;
  private final UsageReads usageReads;
  private final PassAttributor passAttributor;
  private final Duration lease;
  private final PassListener listener;
  private final FingerprintResolver fingerprints;
  private final SecureRandom random = new SecureRandom();

  private Reconciler(Builder b) {
    this.claims = b.ledger.claimStore();
    this.settlements = b.ledger.settlementStore();
    this.provenance = b.ledger.provenanceStore();
    this.meterStore = b.ledger.meterStore();
    this.settler = new RunSettler(b.settings);
    this.standing = new RunStanding(settler);
    this.clock = b.clock != null ? b.clock : b.ledger.clock();
    this.planner = new FetchPlanner(b.settleLag, b.mergeGap);
    this.usageReads = new UsageReads(b.client, b.ledger.usageStore(), clock, b.listener);
    this.passAttributor =
        new PassAttributor(settlements, b.ledger.usageStore(), meterStore, b.settleLag);
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
    // only the ids are kept: the runs are read again, with their steps, once they are claimed
    List<String> candidates =
        settlements.candidateIds(
            new SettlementStore.RunSelection(
                request.runIds(), request.experiment(), request.framework(), request.force()),
            now);
    Claim claim = claims.claim(candidates, lease);
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
    List<RunState> states = states(claim);
    Map<String, RunHistory> histories = new HashMap<>();
    Map<String, String> notes = new HashMap<>();
    Map<String, RunWindow> planned = new LinkedHashMap<>();
    List<RunState> toRead = new ArrayList<>();
    for (RunState s : states) {
      RunHistory history = RunStanding.history(s);
      histories.put(s.run().id(), history);
      String unreadable = RunStanding.unreadable(s.run(), now);
      if (unreadable != null) {
        notes.put(s.run().id(), unreadable);
      } else if (!s.run().startedAt().isAfter(now)
          && (standing.needsRead(s, history, now, request.force()) || PassRechecks.due(s, now))) {
        toRead.add(s);
        planned.put(s.run().id(), PassAttributor.window(s.run(), s.steps()));
      }
    }
    List<QueryWindow> plan = planner.plan(planned.values(), now);
    listener.planned(plan.size() * request.endpoints().size(), toRead.size());

    List<UsageReads.Read> reads = usageReads.fetchAll(request.endpoints(), plan, passId);
    listener.attributing(toRead.size());

    Map<String, MeterAudit.RunAudit> audits = new HashMap<>();
    Map<Endpoint, Attributor.Pending> byRun = new EnumMap<>(Endpoint.class);
    List<SettlementStore.Unattributed> unattributedRows = new ArrayList<>();
    List<UnattributedUsage> unattributed =
        attribute(request, plan, reads, planned, audits, byRun, unattributedRows);
    Set<String> keysWithUnattributed = new TreeSet<>();
    unattributed.forEach(u -> keysWithUnattributed.add(u.apiKeyId()));

    PassRechecks rechecks = new PassRechecks(provenance, settler, now);
    Map<String, RunOutcome> outcomes = new LinkedHashMap<>();
    Map<String, ReconcileStatus> statuses = new LinkedHashMap<>();
    // each run's attempt is written as it is made, in the settlement's transaction: a pass never
    // holds every run's figures, lines and shared minutes at once
    settlements.storeSettlement(
        claim,
        attempts -> {
          for (RunState s : states) {
            String id = s.run().id();
            RunHistory history = histories.get(id);
            if (!planned.containsKey(id)) {
              Assessment a = standing.assess(s, history, clock.instant());
              statuses.put(id, a.status());
              outcomes.put(id, outcome(s.run(), a, false, false, null, notes.get(id)));
              continue;
            }
            List<UsageReads.Read> mine = UsageReads.readsOf(planned.get(id), reads);
            Instant at = mine.stream().map(r -> r.fetchedAt).max(Instant::compareTo).orElse(now);
            List<Long> readIds = mine.stream().filter(r -> r.id != null).map(r -> r.id).toList();
            UsageReads.Read failed =
                mine.stream().filter(r -> r.error != null).findFirst().orElse(null);
            if (failed != null) {
              String error = failed.message();
              Assessment a =
                  standing.assess(s, history.withRead(UsageRead.failure(at, error)), later(at));
              attempts.add(
                  new AttemptRecord(
                      id,
                      at,
                      readIds,
                      null,
                      error,
                      a.status(),
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
                  standing.assessMetered(
                      history.withRead(UsageRead.success(at, audit.api())),
                      audit.label(),
                      audit.metered(),
                      later(at));
              attempts.add(
                  new AttemptRecord(
                      id,
                      at,
                      readIds,
                      audit.api(),
                      null,
                      a.status(),
                      change(a),
                      a.identicalReads(),
                      MeteredRunFigures.of(metered, audit.unmetered()),
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
            Map<Endpoint, RunAttribution> perEndpoint = new EnumMap<>(Endpoint.class);
            Map<Endpoint, Long> readIdByEndpoint = new EnumMap<>(Endpoint.class);
            for (UsageReads.Read r : mine) {
              Endpoint e = r.figureEndpoint();
              if (!perEndpoint.containsKey(e)) {
                // made now, and dropped once the attempt is written
                perEndpoint.put(e, Objects.requireNonNull(byRun.get(e).take(id), id));
              }
              readIdByEndpoint.put(e, r.id);
            }
            RunFigures f = new RunFigures(perEndpoint, readIdByEndpoint, !s.steps().isEmpty());
            RunHistory read = history.withRead(UsageRead.success(at, f.total));
            Assessment a = settler.assess(read, later(at));
            rechecks.afterRead(s, history, read, a, at);
            attempts.add(
                new AttemptRecord(
                    id,
                    at,
                    readIds,
                    f.total,
                    null,
                    a.status(),
                    change(a),
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
          return new SettlementStore.Settlement(
              List.of(), statuses, unattributedRows, rechecks.all());
        });

    for (RunState s : settlements.states(claim.busy())) {
      outcomes.put(
          s.run().id(), busy(s, standing.assess(s, RunStanding.history(s), clock.instant())));
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
    for (UsageReads.Read r : reads) {
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

  /** The claimed runs' states, read again when key fingerprints resolved ids of some. */
  private List<RunState> states(Claim claim) {
    List<RunState> states = settlements.states(claim.claimed());
    if (fingerprints != null) {
      boolean resolved = false;
      for (RunState s : states) {
        if (s.run().apiKeyId() == null && fingerprints.resolve(s.run()).isPresent()) {
          resolved = true;
        }
      }
      if (resolved) {
        return settlements.states(claim.claimed());
      }
    }
    return states;
  }

  /**
   * Attributes the pass's reads to the runs {@code planned}: fills {@code byRun} with each
   * endpoint's attribution, whose runs' figures are made as {@link #work} takes them (one run at a
   * time, each dropped once its attempt is written, so a pass never holds every run's figures at
   * once), and {@code unattributedRows} with the usage no run covers, which it returns per key.
   */
  private List<UnattributedUsage> attribute(
      PassRequest request,
      List<QueryWindow> plan,
      List<UsageReads.Read> reads,
      Map<String, RunWindow> planned,
      Map<String, MeterAudit.RunAudit> audits,
      Map<Endpoint, Attributor.Pending> byRun,
      List<SettlementStore.Unattributed> unattributedRows) {
    byRun.putAll(passAttributor.attribute(request.endpoints(), plan, reads, planned, audits));
    return UsageReads.unattributed(byRun, reads, unattributedRows);
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
      Assessment a = standing.assess(s, RunStanding.history(s), now);
      if (held.contains(s.run().id())) {
        out.add(busy(s, a));
      } else {
        out.add(outcome(s.run(), a, false, false, null, RunStanding.unreadable(s.run(), now)));
      }
    }
    return out;
  }

  private RunOutcome outcome(
      RunRecord run, Assessment a, boolean read, boolean busy, Basis basis, String note) {
    return new RunOutcome(run, a, read, busy, basis, List.of(), 0, 0, false, note);
  }

  /** What {@code a} changes of the run's stored counts, as the store takes it. */
  private static SettlementStore.Change change(Assessment a) {
    CountsDelta d = a.change();
    return new SettlementStore.Change(d.input(), d.cachedInput(), d.output(), d.requests());
  }

  private Instant later(Instant at) {
    Instant now = clock.instant();
    return now.isAfter(at) ? now : at;
  }

  // ---------------------------------------------------------------- runs

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
    Assessment a = standing.assess(states.get(0), RunStanding.history(states.get(0)), now);
    if (a.settledStatus() != ReconcileStatus.WARNING) {
      // name the status the ledger holds: assessed with this call's settings (a longer min-age),
      // a final run could look pending
      ReconcileStatus stored = states.get(0).run().reconcileStatus();
      throw new ReconcileException(
          "run "
              + runId
              + " is "
              + (stored != null ? stored : a.settledStatus()).label()
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
