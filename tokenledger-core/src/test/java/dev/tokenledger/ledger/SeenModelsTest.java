package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.UsageRow;
import dev.tokenledger.figures.Endpoint;
import dev.tokenledger.figures.Exactness;
import dev.tokenledger.figures.LineFigure;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.figures.UsageLine;
import dev.tokenledger.ledger.ClaimStore.Claim;
import dev.tokenledger.ledger.SeenModel.Tally;
import dev.tokenledger.ledger.SettlementStore.AttemptRecord;
import dev.tokenledger.ledger.SettlementStore.Settlement;
import dev.tokenledger.ledger.SettlementStore.Unattributed;
import dev.tokenledger.ledger.UsageStore.ReadRecord;
import dev.tokenledger.ledger.UsageStore.RequestUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The models a ledger has seen, per source, the same on SQLite and PostgreSQL. */
class SeenModelsTest {
  static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");
  static final String UNKNOWN = "gpt-17-ultra";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0.plus(Duration.ofHours(1)));
  private Ledger ledger;

  @AfterEach
  void close() {
    ledger.close();
  }

  private static ReadRecord read(Instant fetchedAt) {
    return new ReadRecord(
        "completions",
        "1m",
        T0,
        T0.plusSeconds(600),
        "api_key_id,model",
        List.of("key_chatdev"),
        "start_time=" + T0.getEpochSecond(),
        fetchedAt,
        1,
        null,
        "pass");
  }

  private static UsageRow row(String model, long input, long output) {
    return new UsageRow(
        T0, "key_chatdev", model, "default", false, "proj_1", new TokenCounts(input, 0, output, 1));
  }

  private static AttemptRecord attempt(String run, Instant at, long readId, long input) {
    TokenCounts counts = new TokenCounts(input, 0, 7, 1);
    UsageLine line = new UsageLine(UNKNOWN, "default", false, "proj_1");
    return new AttemptRecord(
        run,
        at,
        List.of(readId),
        counts,
        null,
        ReconcileStatus.SETTLING,
        null,
        1,
        List.of(),
        List.of(
            new LineFigure(readId, null, Endpoint.COMPLETIONS, line, counts, Exactness.EXACT, 0, 0),
            new LineFigure(
                readId,
                StepIndex.of(1),
                Endpoint.COMPLETIONS,
                line,
                counts,
                Exactness.EXACT,
                0,
                0)),
        List.of());
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void everySourceIsCountedOnceWithRereadsAndOlderAttemptsLeftOut(Backend backend) {
    ledger = Ledger.builder(backend.newLocation(dir)).clock(clock).open();
    String run =
        ledger
            .recordFinishedRun(
                RunSpec.builder("chatdev")
                    .apiKeyId("key_chatdev")
                    .modelHint(UNKNOWN)
                    .startedAt(T0)
                    .endedAt(T0.plusSeconds(50))
                    .build(),
                List.of())
            .runId();
    long first =
        ledger.usageStore().storeRead(read(T0.plusSeconds(900)), List.of(row(UNKNOWN, 100, 7)));
    long second =
        ledger
            .usageStore()
            .storeRead(
                read(T0.plusSeconds(1200)),
                List.of(row(UNKNOWN, 200, 7), row("gpt-4o-mini-2024-07-18", 5, 5)));
    Claim claim = ledger.claimStore().claim(List.of(run), ClaimStore.DEFAULT_LEASE);
    ledger
        .settlementStore()
        .storeSettlement(
            claim,
            new Settlement(
                List.of(attempt(run, T0.plusSeconds(900), first, 100)), Map.of(), List.of()));
    claim = ledger.claimStore().claim(List.of(run), ClaimStore.DEFAULT_LEASE);
    ledger
        .settlementStore()
        .storeSettlement(
            claim,
            new Settlement(
                List.of(attempt(run, T0.plusSeconds(1200), second, 200)),
                Map.of(),
                List.of(new Unattributed(second, row(UNKNOWN, 30, 3)))));
    ledger
        .usageStore()
        .recordRequestUsage(
            "proxy",
            List.of(
                new RequestUsage(
                    run,
                    StepIndex.of(1),
                    "completions",
                    UNKNOWN,
                    T0.plusSeconds(10),
                    new TokenCounts(10, 0, 5, 1))));

    List<SeenModel> seen = ledger.modelsSeen();

    assertThat(seen)
        .extracting(SeenModel::model)
        .containsExactly("gpt-17-ultra", "gpt-4o-mini-2024-07-18");
    SeenModel unknown = seen.get(0);
    assertThat(unknown.usage())
        .as("the re-read replaces the first read")
        .isEqualTo(new Tally(1, 207));
    assertThat(unknown.reconciled())
        .as("the latest attempt's run line")
        .isEqualTo(new Tally(1, 207));
    assertThat(unknown.unattributed()).isEqualTo(new Tally(1, 33));
    assertThat(unknown.local()).isEqualTo(new Tally(1, 15));
    assertThat(unknown.hintedRuns()).isEqualTo(1);
    assertThat(seen.get(1).usage()).isEqualTo(new Tally(1, 10));
    assertThat(seen.get(1).reconciled()).isEqualTo(Tally.NONE);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void anEmptyLedgerHasSeenNoModel(Backend backend) {
    ledger = Ledger.builder(backend.newLocation(dir)).clock(clock).open();

    assertThat(ledger.modelsSeen()).isEmpty();
  }
}
