package dev.tokenledger.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.config.ApiKey;
import dev.tokenledger.figures.StepIndex;
import dev.tokenledger.ledger.Backend;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.LedgerLocation;
import dev.tokenledger.ledger.MeterSpill;
import dev.tokenledger.ledger.MeterStore;
import dev.tokenledger.ledger.MeteredFigures;
import dev.tokenledger.ledger.MutableClock;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.metering.KeyIdentifier;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.MeteredUsage;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.openai.UsageEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ledger's meter sink and key identifier, on SQLite and PostgreSQL. */
class LedgerMeterSinkTest {
  private static final Instant T0 = Instant.parse("2025-10-27T10:00:00Z");
  private static final String KEY = "sk-proj-test-canary-00000000000000000000000sink";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final List<AutoCloseable> opened = new ArrayList<>();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private LedgerLocation location;

  private Ledger open(LedgerLocation where, MeterSpill spill) {
    Ledger.Builder b =
        Ledger.builder(where).clock(clock).heartbeatInterval(Duration.ZERO).warnings(warnings::add);
    if (spill != null) {
      b.meterSpill(spill);
    }
    Ledger l = b.open();
    opened.add(l);
    return l;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  static MeteredRequest chat(String runId, Integer step, String fp, int second, long in, long out) {
    Instant start = T0.plusSeconds(second);
    return new MeteredRequest(
        runId,
        step,
        fp,
        null,
        "POST",
        "/chat/completions",
        UsageEndpoint.COMPLETIONS,
        "gpt-4o-mini-2024-07-18",
        start,
        start.plusMillis(800),
        200,
        "req_" + second,
        false,
        UsageState.REPORTED,
        MeteredUsage.of(in, 0, out),
        null);
  }

  static MeteredRequest interrupted(String runId, Integer step, int second) {
    Instant start = T0.plusSeconds(second);
    return new MeteredRequest(
        runId,
        step,
        null,
        null,
        "POST",
        "/chat/completions",
        UsageEndpoint.COMPLETIONS,
        "gpt-4o-mini",
        start,
        start.plusSeconds(2),
        200,
        null,
        true,
        UsageState.INTERRUPTED,
        null,
        "stream interrupted");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void recordedRequestsAddUpToExactRunAndStepFiguresWithUnknownUsageApart(Backend backend) {
    location = backend.newLocation(dir);
    Ledger ledger = open(location, null);
    String run = ledger.beginRun(RunSpec.builder("chatdev").build(), null).id();
    ledger.meterStore().markMetered(run);
    try (LedgerMeterSink sink =
        LedgerMeterSink.open(ledger, MeterSpill.of(location, dir), warnings::add)) {
      sink.record(chat(run, 1, null, 1, 100, 20));
      sink.record(chat(run, 1, null, 5, 50, 10));
      sink.record(chat(run, 2, null, 30, 7, 3));
      sink.record(interrupted(run, 2, 40));
      sink.record(chat(run, null, null, 50, 1, 1));
      sink.flush();
      MeteredFigures f = ledger.meterStore().figures(run);
      assertThat(f.run().counts()).isEqualTo(new TokenCounts(158, 0, 34, 4));
      assertThat(f.run().requests()).isEqualTo(5);
      assertThat(f.run().usageUnknown()).isEqualTo(1);
      assertThat(f.step(StepIndex.of(1)).orElseThrow().counts())
          .isEqualTo(new TokenCounts(150, 0, 30, 2));
      assertThat(f.step(StepIndex.of(2)).orElseThrow().counts())
          .isEqualTo(new TokenCounts(7, 0, 3, 1));
      assertThat(f.step(StepIndex.of(2)).orElseThrow().usageUnknown()).isEqualTo(1);
      assertThat(f.step(StepIndex.of(0)).orElseThrow().counts())
          .isEqualTo(new TokenCounts(1, 0, 1, 1));
    }
    assertThat(ledger.run(run).metered()).isTrue();
    assertThat(warnings).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aLedgerThatCannotBeWrittenSpillsAndTheNextOpenReplaysEveryRecordOnce(Backend backend)
      throws Exception {
    location = backend.newLocation(dir);
    MeterSpill spill = MeterSpill.of(location, dir);
    Ledger first = open(location, spill);
    String run = first.beginRun(RunSpec.builder("chatdev").build(), null).id();
    String fp = ApiKey.fingerprint(first.keySalt(), KEY);
    LedgerMeterSink sink = LedgerMeterSink.open(first, spill, warnings::add);
    opened.add(sink);
    sink.record(chat(run, 1, fp, 1, 10, 1));
    sink.flush();
    first.close(); // the ledger goes away under the proxy
    sink.record(chat(run, 1, fp, 2, 20, 2));
    sink.record(interrupted(run, 1, 3));
    sink.flush();
    assertThat(sink.spilled()).isEqualTo(2);
    assertThat(sink.lost()).isZero();
    assertThat(warnings).anyMatch(w -> w.contains(spill.file().toString()));
    String spilled = Files.readString(spill.file());
    assertThat(spilled).doesNotContain(KEY).contains(fp).contains("\"interrupted\"");
    // a copy of the file, as if a replay died after committing and before emptying it
    String copy = spilled;

    Ledger second = open(location, spill);
    assertThat(spill.isPending()).isFalse();
    Files.writeString(spill.file(), copy);
    spill.replayInto(second.meterStore());
    MeteredFigures f = second.meterStore().figures(run);
    assertThat(f.run().requests()).isEqualTo(3);
    assertThat(f.run().counts()).isEqualTo(new TokenCounts(30, 0, 3, 2));
    assertThat(f.run().usageUnknown()).isEqualTo(1);
  }

  @Test
  void aWriteCutShortLeavesAnUnreadableLineThatIsCountedAndDropped() throws Exception {
    location = Backend.SQLITE.newLocation(dir);
    MeterSpill spill = MeterSpill.of(location, dir);
    Ledger ledger = open(location, null);
    String run = ledger.beginRun(RunSpec.builder("chatdev").build(), null).id();
    spill.append("proxy", List.of(new MeterStore.Record("r-1", chat(run, 1, null, 1, 5, 5))));
    Files.writeString(
        spill.file(), "{\"record_id\":\"r-2\",\"so", java.nio.file.StandardOpenOption.APPEND);

    MeterSpill.Replay replay = spill.replayInto(ledger.meterStore());

    assertThat(replay).isEqualTo(new MeterSpill.Replay(1, 1, 1));
    assertThat(Files.size(spill.file())).isZero();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void keysAreFingerprintedWithTheLedgersSaltAndResolvedOnceInTheBackground(Backend backend)
      throws Exception {
    location = backend.newLocation(dir);
    Ledger ledger = open(location, null);
    String fp = ApiKey.fingerprint(ledger.keySalt(), KEY);
    String run = ledger.beginRun(RunSpec.builder("chatdev").keyFingerprint(fp).build(), null).id();
    AtomicInteger lookups = new AtomicInteger();
    try (SaltedKeyIdentifier ids =
            SaltedKeyIdentifier.open(
                ledger,
                key -> {
                  lookups.incrementAndGet();
                  return key.matchesRedacted("sk-proj-tes...sink")
                      ? Optional.of("key_sink")
                      : Optional.empty();
                },
                warnings::add);
        LedgerMeterSink sink =
            LedgerMeterSink.open(ledger, MeterSpill.of(location, dir), warnings::add)) {
      KeyIdentifier.KeyRef first = ids.identify(KEY);
      assertThat(first.fingerprint()).isEqualTo(fp).doesNotContain("canary");
      sink.record(chat(run, 1, first.fingerprint(), 1, 3, 4));
      sink.flush();
      ids.awaitLookups();
      assertThat(ids.identify(KEY)).isEqualTo(new KeyIdentifier.KeyRef(fp, "key_sink"));
      ids.identify(KEY);
      assertThat(lookups).hasValue(1);
    }
    // the run and the request recorded with the fingerprint alone now carry the id
    assertThat(ledger.run(run).apiKeyId()).isEqualTo("key_sink");
    assertThat(ledger.meterStore().requests(List.of(run)))
        .singleElement()
        .satisfies(r -> assertThat(r.apiKeyId()).isEqualTo("key_sink"));
    assertThat(ledger.meterStore().keyIds()).containsEntry(fp, "key_sink");
    // another ledger has another salt
    Ledger other = open(Backend.SQLITE.newLocation(dir.resolve("other")), null);
    assertThat(ApiKey.fingerprint(other.keySalt(), KEY)).isNotEqualTo(fp);
    assertThat(everything(location)).doesNotContain(KEY);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aRunRecordedWithItsKeyIdTeachesTheLedgerWhatTheFingerprintIs(Backend backend) {
    location = backend.newLocation(dir);
    Ledger ledger = open(location, null);
    String fp = ledger.keyFingerprint(ApiKey.of(KEY));
    // a proxy saw the key first, without its id
    ledger
        .meterStore()
        .record("proxy", List.of(new MeterStore.Record("r-1", chat(null, null, fp, 1, 2, 3))));
    ledger.beginRun(
        RunSpec.builder("chatdev").apiKeyId("key_sink").keyFingerprint(fp).build(), null);

    String later =
        ledger.beginRun(RunSpec.builder("chatdev").keyFingerprint(fp).build(), null).id();

    assertThat(ledger.meterStore().keyIds()).containsEntry(fp, "key_sink");
    assertThat(ledger.run(later).apiKeyId()).isEqualTo("key_sink");
    assertThat(ledger.meterStore().applyKeyIds()).isEqualTo(1);
    assertThat(ledger.meterStore().requestsOfKey("key_sink", T0, T0.plusSeconds(60))).hasSize(1);
  }

  private static String everything(LedgerLocation location) throws Exception {
    StringBuilder all = new StringBuilder();
    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement()) {
      for (String table : List.of("runs", "metered_requests", "key_fingerprints")) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              all.append(rs.getString(i)).append('|');
            }
          }
        }
      }
    }
    return all.toString();
  }
}
