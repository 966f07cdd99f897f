package dev.tokenledger.reconcile;

import dev.tokenledger.attribution.Attributor;
import dev.tokenledger.attribution.LocalRequest;
import dev.tokenledger.attribution.QueryWindow;
import dev.tokenledger.attribution.RunWindow;
import dev.tokenledger.attribution.StepWindow;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.ledger.MeterStore;
import dev.tokenledger.ledger.Metering;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.SettlementStore;
import dev.tokenledger.ledger.StepRecord;
import dev.tokenledger.ledger.UsageStore;
import dev.tokenledger.openai.UsageEndpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Attribution within a pass: every run of the keys read that may reach into the windows takes part;
 * metered usage comes out of the rows first ({@link MeterAudit}); local request counts split the
 * minutes metered runs share; {@link Attributor} does the rest, one endpoint at a time.
 */
final class PassAttributor {
  private final SettlementStore settlements;
  private final UsageStore usage;
  private final MeterStore meterStore;
  private final MeterAudit meterAudit;
  private final Attributor attributor;
  private final Duration settleLag;

  PassAttributor(
      SettlementStore settlements, UsageStore usage, MeterStore meterStore, Duration settleLag) {
    this.settlements = settlements;
    this.usage = usage;
    this.meterStore = meterStore;
    this.meterAudit = new MeterAudit(settleLag);
    this.attributor = new Attributor(settleLag);
    this.settleLag = settleLag;
  }

  /** The window attribution sees of {@code run} and its {@code steps}. */
  static RunWindow window(RunRecord run, List<StepRecord> steps) {
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
      stepWindows.add(new StepWindow(StepIndex.of(s.index()), s.startedAt(), stepEnd));
    }
    return new RunWindow(run.id(), run.apiKeyId(), start, end, stepWindows);
  }

  /**
   * Each endpoint's attribution, its runs' figures made as they are taken (every run of the keys
   * read takes part, but only the runs {@code planned} are taken).
   */
  Map<Endpoint, Attributor.Pending> attribute(
      List<UsageEndpoint> endpoints,
      List<QueryWindow> plan,
      List<UsageReads.Read> reads,
      Map<String, RunWindow> planned,
      Map<String, MeterAudit.RunAudit> audits) {
    Map<Endpoint, Attributor.Pending> results = new EnumMap<>(Endpoint.class);
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
    Map<Endpoint, List<UsageRow>> rows = new EnumMap<>(Endpoint.class);
    for (UsageEndpoint e : endpoints) {
      List<UsageRow> endpointRows = new ArrayList<>();
      for (UsageReads.Read r : reads) {
        if (r.endpoint == e && r.error == null) {
          endpointRows.addAll(r.rows);
        }
      }
      rows.put(e.endpoint(), endpointRows);
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
    Map<Endpoint, List<LocalRequest>> local = new EnumMap<>(Endpoint.class);
    // the requests a failed meter recorded are only some of the run's: they split nothing
    Set<String> counted = new TreeSet<>(windows.keySet());
    counted.removeAll(meterFailed);
    for (UsageStore.RequestUsage u : usage.requestUsage(counted)) {
      local
          .computeIfAbsent(Endpoint.ofLocal(u.endpoint()), k -> new ArrayList<>())
          .add(new LocalRequest(u.at(), u.runId(), u.step(), u.model(), u.counts()));
    }
    for (UsageEndpoint u : endpoints) {
      Endpoint e = u.endpoint();
      results.put(
          e,
          attributor.start(
              rows.getOrDefault(e, List.of()), windows.values(), local.getOrDefault(e, List.of())));
    }
    return results;
  }

  private static List<MeterAudit.Window> auditWindows(Map<String, RunWindow> windows) {
    return windows.values().stream()
        .map(w -> new MeterAudit.Window(w.runId(), w.apiKeyId(), w.start(), w.end()))
        .toList();
  }
}
