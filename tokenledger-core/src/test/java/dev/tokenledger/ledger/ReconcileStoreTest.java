package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.Figure;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.figures.SharedMinute;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import dev.tokenledger.ledger.ClaimStore.Claim;
import dev.tokenledger.ledger.ProvenanceStore.Reconciliation;
import dev.tokenledger.ledger.SettlementStore.AttemptRecord;
import dev.tokenledger.ledger.SettlementStore.Change;
import dev.tokenledger.ledger.SettlementStore.RunSelection;
import dev.tokenledger.ledger.SettlementStore.RunState;
import dev.tokenledger.ledger.SettlementStore.Settlement;
import dev.tokenledger.ledger.SettlementStore.Unattributed;
import dev.tokenledger.ledger.UsageStore.ReadRecord;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What reconcile keeps in the ledger, the same on SQLite and PostgreSQL. */
class ReconcileStoreTest {
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");
  private static final long DEAD_PID = 999_999_001L;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final List<Ledger> opened = new ArrayList<>();
  private LedgerLocation location;

  private Ledger open(Backend backend) {
    location = backend.newLocation(dir);
    return another();
  }

  private Ledger another() {
    Ledger l =
        Ledger.builder(location)
            .clock(clock)
            .heartbeatInterval(Duration.ZERO)
            .liveness(p -> p.pid() != DEAD_PID)
            .open();
    opened.add(l);
    return l;
  }

  @AfterEach
  void closeAll() {
    opened.forEach(Ledger::close);
  }

  private static String finishedRun(Ledger ledger, String framework, int minute) {
    Instant start = T0.plusSeconds(60L * minute);
    return ledger
        .recordFinishedRun(
            RunSpec.builder(framework)
                .experiment("e1")
                .apiKeyId("key_" + framework)
                .startedAt(start)
                .endedAt(start.plusSeconds(50))
                .build(),
            List.of(new StepSpec(1, "only", start, start.plusSeconds(50), 0)))
        .runId();
  }

  private static ReadRecord read(String error) {
    return new ReadRecord(
        "completions",
        "1m",
        T0,
        T0.plusSeconds(600),
        "api_key_id,model",
        List.of("key_chatdev"),
        "start_time=1&end_time=2",
        T0.plusSeconds(900),
        error == null ? 1 : 6,
        error,
        "pass-1");
  }

  private static UsageRow row(int minute, long input) {
    return new UsageRow(
        T0.plusSeconds(60L * minute),
        "key_chatdev",
        "gpt-4o-mini",
        "default",
        false,
        "proj_1",
        new TokenCounts(input, input / 2, 7, 1));
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void eachUsageRowKeepsItsJsonExactlyAsReturned(Backend backend) throws Exception {
    String raw = "{\"object\":\"organization.usage.completions.result\", \"input_tokens\":100}";
    long id =
        open(backend)
            .usageStore()
            .storeRead(
                read(null), List.of(row(0, 100), row(1, 40)), java.util.Arrays.asList(raw, null));

    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT raw_json FROM usage_buckets WHERE read_id = " + id + " ORDER BY id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo(raw);
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isNull();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aReadIsStoredWithItsRawRowsAndAFailedOneWithItsError(Backend backend) throws Exception {
    Ledger store = open(backend);
    long ok =
        store.usageStore().storeRead(read(null), List.of(row(0, 100), row(1, 9_000_000_000L)));
    long failed = store.usageStore().storeRead(read("HTTP 500 after 6 attempts"), List.of());

    assertThat(failed).isGreaterThan(ok);
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT r.status, r.http_requests, r.query, COUNT(b.id), SUM(b.input_tokens)"
                    + " FROM usage_reads r LEFT JOIN usage_buckets b ON b.read_id = r.id"
                    + " GROUP BY r.id, r.status, r.http_requests, r.query ORDER BY r.id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("ok");
      assertThat(rs.getInt(2)).isEqualTo(1);
      assertThat(rs.getString(3)).isEqualTo("start_time=1&end_time=2");
      assertThat(rs.getInt(4)).isEqualTo(2);
      assertThat(rs.getLong(5)).isEqualTo(9_000_000_100L);
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("error");
      assertThat(rs.getInt(4)).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aClaimedRunIsBusyForAnotherReconcilerUntilReleased(Backend backend) {
    Ledger ledger = open(backend);
    String a = finishedRun(ledger, "chatdev", 0);
    String b = finishedRun(ledger, "chatdev", 2);
    ClaimStore first = ledger.claimStore();
    ClaimStore second = another().claimStore();

    Claim one = first.claim(List.of(a), ClaimStore.DEFAULT_LEASE);
    Claim two = second.claim(List.of(a, b), ClaimStore.DEFAULT_LEASE);

    assertThat(one.claimed()).containsExactly(a);
    assertThat(two.claimed()).containsExactly(b);
    assertThat(two.busy()).containsExactly(a);

    first.release(one);
    assertThat(second.claim(List.of(a), ClaimStore.DEFAULT_LEASE).claimed()).containsExactly(a);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void anExpiredClaimOrOneOfADeadProcessIsTakenOver(Backend backend) throws Exception {
    Ledger ledger = open(backend);
    String expired = finishedRun(ledger, "chatdev", 0);
    String orphaned = finishedRun(ledger, "chatdev", 2);
    String alive = finishedRun(ledger, "chatdev", 4);
    ledger.claimStore().claim(List.of(expired), Duration.ofMinutes(1));
    ledger.claimStore().claim(List.of(alive), Duration.ofMinutes(30));
    ledger.claimStore().claim(List.of(orphaned), Duration.ofMinutes(30));
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement()) {
      // the reconciler that claimed this run was killed: its pid is gone
      s.executeUpdate(
          "UPDATE reconcile_leases SET pid = " + DEAD_PID + " WHERE run_id = '" + orphaned + "'");
    }
    clock.advance(Duration.ofMinutes(2));

    Claim next =
        another().claimStore().claim(List.of(expired, orphaned, alive), Duration.ofMinutes(30));

    assertThat(next.claimed()).containsExactly(expired, orphaned);
    assertThat(next.busy()).containsExactly(alive);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void concurrentClaimsSplitTheRunsWithoutOverlap(Backend backend) throws Exception {
    Ledger ledger = open(backend);
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      runs.add(finishedRun(ledger, "chatdev", i));
    }
    int threads = 4;
    CyclicBarrier start = new CyclicBarrier(threads);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Claim>> claims = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Ledger store = another();
        Callable<Claim> claim =
            () -> {
              start.await();
              return store.claimStore().claim(runs, ClaimStore.DEFAULT_LEASE);
            };
        claims.add(pool.submit(claim));
      }
      Set<String> seen = new HashSet<>();
      for (Future<Claim> f : claims) {
        for (String id : f.get().claimed()) {
          assertThat(seen.add(id)).as("run %s claimed twice", id).isTrue();
        }
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(runs);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aSettlementStoresAttemptsFiguresAndProvenanceAndReleasesTheClaim(Backend backend)
      throws Exception {
    Ledger ledger = open(backend);
    String run = finishedRun(ledger, "chatdev", 0);
    String partner = finishedRun(ledger, "chatdev", 1);
    long readId = ledger.usageStore().storeRead(read(null), List.of(row(0, 100), row(1, 40)));
    Claim claim = ledger.claimStore().claim(List.of(run, partner), ClaimStore.DEFAULT_LEASE);
    TokenCounts total = new TokenCounts(120, 60, 14, 2);
    AttemptRecord attempt =
        new AttemptRecord(
            run,
            T0.plusSeconds(900),
            List.of(readId),
            total,
            null,
            ReconcileStatus.SETTLING,
            new Change(120, 60, 14, 2),
            1,
            List.of(
                new Figure(
                    null,
                    total,
                    Exactness.APPORTIONED,
                    new TokenCounts(100, 50, 7, 1),
                    new TokenCounts(140, 70, 14, 2),
                    1),
                new Figure(
                    StepIndex.of(1),
                    total,
                    Exactness.EXACT,
                    new TokenCounts(100, 50, 7, 1),
                    new TokenCounts(140, 70, 14, 2),
                    1)),
            List.of(
                new LineFigure(
                    readId,
                    null,
                    Endpoint.COMPLETIONS,
                    new UsageLine("gpt-4o-mini", "default", false, "proj_1"),
                    total,
                    Exactness.APPORTIONED,
                    1,
                    34)),
            List.of(
                new SharedMinute(
                    null,
                    Endpoint.COMPLETIONS,
                    T0.plusSeconds(60),
                    List.of(partner),
                    List.of(),
                    new TokenCounts(40, 20, 7, 1),
                    new TokenCounts(20, 10, 7, 1))));
    ledger
        .settlementStore()
        .storeSettlement(
            claim,
            new Settlement(
                List.of(attempt),
                Map.of(partner, ReconcileStatus.FINAL),
                List.of(new Unattributed(readId, row(5, 3)))));

    Reconciliation r = ledger.provenanceStore().reconciliation(run).orElseThrow();
    assertThat(r.latest().status()).isEqualTo(ReconcileStatus.SETTLING);
    assertThat(r.figuresFrom().counts()).isEqualTo(total);
    assertThat(r.figures()).extracting(Figure::step).containsExactly(null, StepIndex.of(1));
    assertThat(r.figures().get(0).upperBound()).isEqualTo(new TokenCounts(140, 70, 14, 2));
    // exactness is a type in Java and the same two words in the ledger's columns as ever
    assertThat(r.figures())
        .extracting(Figure::exactness)
        .containsExactly(Exactness.APPORTIONED, Exactness.EXACT);
    assertThat(ledger.provenanceStore().lines(r.latest().id()))
        .extracting(LineFigure::exactness)
        .containsExactly(Exactness.APPORTIONED);
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT exactness FROM reconcile_figures ORDER BY COALESCE(step_index, -1)")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("apportioned");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("exact");
    }
    assertThat(r.reads()).singleElement().satisfies(x -> assertThat(x.id()).isEqualTo(readId));
    assertThat(r.sharedMinutes())
        .singleElement()
        .satisfies(m -> assertThat(m.otherRunIds()).containsExactly(partner));
    assertThat(ledger.run(run).reconcileStatus()).isEqualTo(ReconcileStatus.SETTLING);
    assertThat(ledger.run(partner).reconcileStatus()).isEqualTo(ReconcileStatus.FINAL);
    assertThat(another().claimStore().claim(List.of(run), Duration.ofMinutes(5)).claimed())
        .containsExactly(run);
    assertThat(ledger.settlementStore().candidates(RunSelection.notFinal()))
        .extracting(RunRecord::id)
        .containsExactly(run);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aSettlementForARunWhoseClaimWasLostStoresNothing(Backend backend) {
    Ledger ledger = open(backend);
    String run = finishedRun(ledger, "chatdev", 0);
    Claim claim = ledger.claimStore().claim(List.of(run), Duration.ofMinutes(1));
    clock.advance(Duration.ofMinutes(2));
    another().claimStore().claim(List.of(run), Duration.ofMinutes(30));

    AttemptRecord attempt =
        new AttemptRecord(
            run,
            T0,
            List.of(),
            TokenCounts.ZERO,
            null,
            ReconcileStatus.SETTLING,
            null,
            1,
            List.of(),
            List.of(),
            List.of());
    assertThatThrownBy(
            () ->
                ledger
                    .settlementStore()
                    .storeSettlement(claim, new Settlement(List.of(attempt), Map.of(), List.of())))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("was lost to another reconciler");
    assertThat(ledger.provenanceStore().reconciliation(run).orElseThrow().attempts()).isEmpty();
  }

  /** Two full chunks handed to the writer's thread and a part one written at the end. */
  private static final int MANY = 2 * dev.tokenledger.ledger.internal.Sql.CHUNK + 1;

  private static List<String> finishedRuns(Ledger ledger, int count) {
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      runs.add(finishedRun(ledger, "chatdev", i));
    }
    return runs;
  }

  /** An attempt with one figure, one line and one shared minute, each holding {@code n}. */
  private static AttemptRecord attemptWithRows(String run, long readId, long n) {
    TokenCounts counts = new TokenCounts(n, 0, n, 1);
    return new AttemptRecord(
        run,
        T0.plusSeconds(900),
        List.of(readId),
        counts,
        null,
        ReconcileStatus.SETTLING,
        null,
        1,
        List.of(new Figure(null, counts, Exactness.EXACT, counts, counts, 0)),
        List.of(
            new LineFigure(
                readId,
                null,
                Endpoint.COMPLETIONS,
                new UsageLine("gpt-4o-mini", "default", false, "proj_1"),
                counts,
                Exactness.EXACT,
                0,
                0)),
        List.of(
            new SharedMinute(
                null, Endpoint.COMPLETIONS, T0, List.of("other"), List.of(), counts, counts)));
  }

  private long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getLong(1);
    }
  }

  /** {@link #MANY} finished runs, claimed, and a read their attempts can name. */
  private record Many(Ledger ledger, List<String> runs, long readId, Claim claim) {
    void settle(SettlementStore.Settling settling) {
      ledger.settlementStore().storeSettlement(claim, settling);
    }
  }

  private Many manyClaimed(Backend backend) {
    Ledger ledger = open(backend);
    List<String> runs = finishedRuns(ledger, MANY);
    long readId = ledger.usageStore().storeRead(read(null), List.of(row(0, 100)));
    return new Many(
        ledger, runs, readId, ledger.claimStore().claim(runs, ClaimStore.DEFAULT_LEASE));
  }

  private void assertNoAttemptStored() throws Exception {
    for (String table :
        List.of("reconcile_attempts", "reconcile_figures", "attributions", "shared_minutes")) {
      assertThat(count("SELECT COUNT(*) FROM " + table)).as(table).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void attemptsStreamedInChunksAreStoredInTheOrderGivenAndReadBackInTheOrderAsked(Backend backend)
      throws Exception {
    Many m = manyClaimed(backend);
    // handed over in reverse, so the ids' order is the order given, not the runs' own
    List<String> given = new ArrayList<>(m.runs());
    java.util.Collections.reverse(given);
    m.settle(
        attempts -> {
          for (int i = 0; i < given.size(); i++) {
            attempts.add(attemptWithRows(given.get(i), m.readId(), i));
          }
          return new Settlement(List.of(), Map.of(), List.of());
        });

    List<String> stored = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT run_id FROM reconcile_attempts ORDER BY id")) {
      while (rs.next()) {
        stored.add(rs.getString(1));
      }
    }
    assertThat(stored).isEqualTo(given);
    for (String table : List.of("reconcile_figures", "attributions", "shared_minutes")) {
      String attemptColumn = table.equals("attributions") ? "reconcile_attempt_id" : "attempt_id";
      assertThat(count("SELECT COUNT(*) FROM " + table)).as(table).isEqualTo(MANY);
      // each row hangs off its own run's attempt and carries that attempt's figure
      assertThat(
              count(
                  "SELECT COUNT(*) FROM "
                      + table
                      + " t JOIN reconcile_attempts a ON a.id = t."
                      + attemptColumn
                      + " WHERE a.run_id = t.run_id AND a.input_tokens = t."
                      + (table.equals("shared_minutes") ? "share_input_tokens" : "input_tokens")))
          .as(table)
          .isEqualTo(MANY);
    }
    assertThat(count("SELECT COUNT(*) FROM reconcile_attempt_reads")).isEqualTo(MANY);
    assertThat(count("SELECT COUNT(*) FROM runs WHERE reconcile_status = 'settling'"))
        .isEqualTo(MANY);

    // read back in chunks, half of them on a second thread and connection, in the order asked
    List<String> asked = new ArrayList<>(given);
    java.util.Collections.shuffle(asked, new java.util.Random(7));
    List<RunState> states = m.ledger().settlementStore().states(asked);
    assertThat(states).extracting(st -> st.run().id()).isEqualTo(asked);
    for (RunState st : states) {
      assertThat(st.steps())
          .singleElement()
          .satisfies(step -> assertThat(step.index()).isEqualTo(1));
      assertThat(st.attempts())
          .singleElement()
          .satisfies(a -> assertThat(a.counts().input()).isEqualTo(given.indexOf(st.run().id())));
    }
    assertThat(count("SELECT COUNT(*) FROM reconcile_leases WHERE holder IS NOT NULL")).isZero();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aSettlementThatFailsAfterAChunkWasHandedOffStoresNothing(Backend backend) throws Exception {
    Many m = manyClaimed(backend);
    IllegalStateException failure = new IllegalStateException("the pass failed");
    assertThatThrownBy(
            () ->
                m.settle(
                    attempts -> {
                      for (int i = 0; i < MANY - 1; i++) {
                        attempts.add(attemptWithRows(m.runs().get(i), m.readId(), i));
                      }
                      throw failure;
                    }))
        .isSameAs(failure);
    assertNoAttemptStored();
    assertThat(count("SELECT COUNT(*) FROM runs WHERE reconcile_status = 'pending'"))
        .isEqualTo(MANY);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aChunkRefusedByTheDatabaseWhileTheNextIsMadeStoresNothingAndSaysWhy(Backend backend)
      throws Exception {
    Many m = manyClaimed(backend);
    // the first chunk names a read the ledger does not have: its insert fails on the writer's
    // thread while the pass goes on with the next chunk
    long missingRead = m.readId() + 1000;
    assertThatThrownBy(
            () ->
                m.settle(
                    attempts -> {
                      for (int i = 0; i < MANY; i++) {
                        attempts.add(
                            attemptWithRows(m.runs().get(i), i == 7 ? missingRead : m.readId(), i));
                      }
                      return new Settlement(List.of(), Map.of(), List.of());
                    }))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("cannot store the reconciled figures")
        .hasMessageContaining("oreign key");
    assertNoAttemptStored();
    assertThat(count("SELECT COUNT(*) FROM reconcile_leases WHERE holder IS NOT NULL"))
        .isEqualTo(MANY);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void statesCarryAttemptsInOrderAcceptanceAndLocalCounts(Backend backend) throws Exception {
    Ledger ledger = open(backend);
    String run = finishedRun(ledger, "chatdev", 0);
    for (int i = 0; i < 3; i++) {
      Claim claim = ledger.claimStore().claim(List.of(run), ClaimStore.DEFAULT_LEASE);
      AttemptRecord attempt =
          i == 1
              ? new AttemptRecord(
                  run,
                  T0.plusSeconds(i),
                  List.of(),
                  null,
                  "HTTP 429",
                  ReconcileStatus.ERROR,
                  null,
                  0,
                  List.of(),
                  List.of(),
                  List.of())
              : new AttemptRecord(
                  run,
                  T0.plusSeconds(i),
                  List.of(),
                  new TokenCounts(10 + i, 0, 0, 1),
                  null,
                  ReconcileStatus.SETTLING,
                  null,
                  1,
                  List.of(),
                  List.of(),
                  List.of());
      ledger
          .settlementStore()
          .storeSettlement(claim, new Settlement(List.of(attempt), Map.of(), List.of()));
    }
    ledger.settlementStore().accept(run, T0.plusSeconds(100));
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO metered_requests (record_id, run_id, step_index, method, path,"
              + " finished_at, usage_state, input_tokens, input_cached_tokens, output_tokens,"
              + " num_model_requests, source, recorded_at) VALUES ('a', '"
              + run
              + "', 1, 'POST', '/chat/completions', '2025-10-27T10:00:10.000000Z', 'reported',"
              + " 30, 10, 5, 1, 'proxy', 'x'), ('b', '"
              + run
              + "', 1, 'POST', '/chat/completions', '2025-10-27T10:00:20.000000Z', 'reported',"
              + " 12, 0, 3, 1, 'proxy', 'x'), ('c', '"
              + run
              + "', 1, 'POST', '/chat/completions', '2025-10-27T10:00:30.000000Z',"
              + " 'interrupted', NULL, NULL, NULL, NULL, 'proxy', 'x')");
    }

    RunState state = ledger.settlementStore().states(List.of(run)).get(0);
    assertThat(state.attempts()).extracting(a -> a.error()).containsExactly(null, "HTTP 429", null);
    assertThat(state.attempts().get(2).counts()).isEqualTo(new TokenCounts(12, 0, 0, 1));
    assertThat(state.acceptedAt()).isEqualTo(T0.plusSeconds(100));
    assertThat(state.localCounts()).isEqualTo(new TokenCounts(42, 10, 8, 2));
    assertThat(state.steps()).singleElement().satisfies(s -> assertThat(s.index()).isEqualTo(1));
    assertThat(ledger.usageStore().requestUsage(List.of(run))).hasSize(2);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void runsOfKeysAreThoseWhoseWindowsMayReachIntoTheRange(Backend backend) {
    Ledger ledger = open(backend);
    String before = finishedRun(ledger, "chatdev", 0);
    String inside = finishedRun(ledger, "chatdev", 10);
    String other = finishedRun(ledger, "baes", 10);
    String after = finishedRun(ledger, "chatdev", 30);

    List<RunRecord> runs =
        ledger
            .settlementStore()
            .runsOfKeys(List.of("key_chatdev"), T0.plusSeconds(5 * 60), T0.plusSeconds(20 * 60));

    assertThat(runs).extracting(RunRecord::id).containsExactly(inside);
    assertThat(List.of(before, other, after)).doesNotContain(inside);
  }
}
