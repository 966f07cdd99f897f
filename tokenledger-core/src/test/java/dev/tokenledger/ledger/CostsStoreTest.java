package dev.tokenledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenledger.costs.CostsRead;
import dev.tokenledger.costs.ReadSpec;
import dev.tokenledger.ledger.CostsStore.Kept;
import dev.tokenledger.openai.CostBucket;
import dev.tokenledger.openai.CostResult;
import dev.tokenledger.openai.RequestStats;
import dev.tokenledger.openai.UsageBucket;
import dev.tokenledger.openai.UsageResult;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What costs keeps in the ledger, the same on SQLite and PostgreSQL. */
class CostsStoreTest {
  static final Instant DAY = Instant.parse("2025-10-26T00:00:00Z");
  static final Instant NEXT = DAY.plus(Duration.ofDays(1));
  static final Instant END = DAY.plus(Duration.ofDays(2));
  static final List<String> COSTS_GROUP = List.of("api_key_id", "line_item", "project_id");
  static final List<String> USAGE_GROUP =
      List.of("api_key_id", "project_id", "model", "batch", "service_tier");
  static final RequestStats TWO_PAGES = new RequestStats(2, 3, 0);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(END.plus(Duration.ofHours(1)));
  private final List<Ledger> opened = new ArrayList<>();
  private LedgerLocation location;

  private CostsStore open(Backend backend) {
    location = backend.newLocation(dir);
    Ledger ledger = Ledger.builder(location).clock(clock).heartbeatInterval(Duration.ZERO).open();
    opened.add(ledger);
    return ledger.costsStore();
  }

  @AfterEach
  void closeAll() {
    opened.forEach(Ledger::close);
  }

  static ReadSpec spec(String endpoint, Instant start, Instant end, List<String> keys) {
    List<String> groupBy = endpoint.equals(ReadSpec.COSTS) ? COSTS_GROUP : USAGE_GROUP;
    return new ReadSpec(
        endpoint, start, end, groupBy, keys, List.of(), "start_time=" + start.getEpochSecond());
  }

  static CostResult line(String item, String amount, String key, Long quantity) {
    return new CostResult(
        new BigDecimal(amount),
        "usd",
        item,
        "proj_exp",
        key,
        quantity == null ? null : BigDecimal.valueOf(quantity),
        quantity == null ? null : "tokens");
  }

  static UsageResult completions(String model, long in, long cached, long out, Boolean batch) {
    return new UsageResult.Completions(
        in,
        cached,
        0,
        in - cached,
        out,
        0,
        0,
        0,
        5,
        0,
        7,
        0,
        0,
        0,
        4,
        "proj_exp",
        null,
        "key_chatdev",
        model,
        batch,
        "default");
  }

  static CostsRead billed(Instant start, Instant end, Instant fetchedAt, List<CostBucket> b) {
    return CostsRead.billed(spec(ReadSpec.COSTS, start, end, List.of()), fetchedAt, TWO_PAGES, b);
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aCostsReadKeepsEveryBilledRowWithItsExactAmount(Backend backend) throws Exception {
    CostsStore store = open(backend);
    List<CostBucket> buckets =
        List.of(
            new CostBucket(
                DAY,
                NEXT,
                List.of(
                    line("gpt-4o-mini-2024-07-18, input", "0.012", "key_chatdev", 80_000L),
                    line(
                        "gpt-4o-mini-2024-07-18, output",
                        "0.0300000000000000012",
                        "key_chatdev",
                        50_000L),
                    new CostResult(null, null, "web search", "proj_exp", null, null, null))),
            new CostBucket(NEXT, END, List.of(line("image", "1.5", null, null))));

    long id = store.store(billed(DAY, END, clock.instant(), buckets));

    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT endpoint, bucket_width, window_start, window_end, group_by, api_key_ids,"
                  + " fetched_at, http_requests, status, error, query FROM usage_reads WHERE id = "
                  + id)) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("costs");
        assertThat(rs.getString(2)).isEqualTo("1d");
        assertThat(Timestamps.parse(rs.getString(3))).isEqualTo(DAY);
        assertThat(Timestamps.parse(rs.getString(4))).isEqualTo(END);
        assertThat(rs.getString(5)).isEqualTo("api_key_id,line_item,project_id");
        assertThat(rs.getString(6)).isNull();
        assertThat(Timestamps.parse(rs.getString(7))).isEqualTo(clock.instant());
        assertThat(rs.getInt(8)).isEqualTo(3);
        assertThat(rs.getString(9)).isEqualTo("ok");
        assertThat(rs.getString(10)).isNull();
        assertThat(rs.getString(11)).isEqualTo("start_time=" + DAY.getEpochSecond());
      }
      List<String> amounts = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT amount, currency, raw_json FROM cost_rows WHERE read_id = "
                  + id
                  + " ORDER BY id")) {
        while (rs.next()) {
          amounts.add(rs.getString(1));
          assertThat(rs.getString(2)).isEqualTo("usd");
          assertThat(rs.getString(3)).contains("\"object\":\"organization.costs.result\"");
        }
      }
      assertThat(amounts).containsExactly("0.012", "0.0300000000000000012", "1.5");
    }
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aFailedReadIsKeptWithItsErrorAndNoRows(Backend backend) throws Exception {
    CostsStore store = open(backend);

    long id =
        store.store(
            CostsRead.failed(
                spec("completions", DAY, END, List.of()),
                clock.instant(),
                new RequestStats(0, 6, 0),
                "HTTP 500 from /organization/usage/completions after 6 attempts"));

    try (Connection c = DriverManager.getConnection(location.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT r.status, r.error, r.http_requests, COUNT(b.id) FROM usage_reads r"
                    + " LEFT JOIN usage_buckets b ON b.read_id = r.id WHERE r.id = "
                    + id
                    + " GROUP BY r.status, r.error, r.http_requests")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("error");
      assertThat(rs.getString(2)).startsWith("HTTP 500 from /organization/usage/completions");
      assertThat(rs.getInt(3)).isEqualTo(6);
      assertThat(rs.getInt(4)).isZero();
    }
    assertThatThrownBy(
            () -> store.newestCovering(List.of(spec("completions", DAY, END, List.of()))))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("holds no successful completions read covering")
        .hasMessageContaining("without --offline");
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void storedReadsComeBackAsTheyWereFetched(Backend backend) {
    CostsStore store = open(backend);
    List<CostBucket> billed =
        List.of(
            new CostBucket(
                DAY,
                NEXT,
                List.of(line("gpt-4o, output", "0.08000000000000000001", "key_chatdev", 8_000L))));
    List<UsageBucket> used =
        List.of(
            new UsageBucket(
                DAY,
                NEXT,
                List.of(
                    completions("gpt-4o", 40_000, 1_000, 8_000, false),
                    completions("gpt-4o-mini", 10, 0, 1, null))));
    long costsId = store.store(billed(DAY, END, clock.instant(), billed));
    long usageId =
        store.store(
            CostsRead.usage(
                spec("completions", DAY, END, List.of()), clock.instant(), TWO_PAGES, used));

    List<Kept> kept =
        store.newestCovering(
            List.of(
                spec(ReadSpec.COSTS, DAY, END, List.of()),
                spec("completions", DAY, END, List.of())));

    assertThat(kept).extracting(Kept::id).containsExactly(costsId, usageId);
    CostResult row = kept.get(0).read().costBuckets().get(0).results().get(0);
    assertThat(row.amount()).isEqualTo(new BigDecimal("0.08000000000000000001"));
    assertThat(row.quantity()).isEqualByComparingTo("8000");
    assertThat(row.quantityUnit()).isEqualTo("tokens");
    assertThat(row.lineItem()).isEqualTo("gpt-4o, output");
    assertThat(kept.get(0).read().requests()).isEqualTo(new RequestStats(0, 0, 0));
    UsageBucket bucket = kept.get(1).read().usageBuckets().get(0);
    assertThat(bucket.start()).isEqualTo(DAY);
    assertThat(bucket.end()).isEqualTo(NEXT);
    assertThat(bucket.results())
        .extracting(UsageResult::tokens)
        .containsExactly(
            used.get(0).results().get(0).tokens(), used.get(0).results().get(1).tokens());
    UsageResult.Completions first = (UsageResult.Completions) bucket.results().get(0);
    assertThat(first.batch()).isFalse();
    assertThat(first.serviceTier()).isEqualTo("default");
    assertThat(first.inputAudioTokens()).isEqualTo(5);
    assertThat(first.outputAudioTokens()).isEqualTo(7);
    assertThat(((UsageResult.Completions) bucket.results().get(1)).batch()).isNull();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void theNewestReadThatCoversTheWindowAndItsKeysIsChosen(Backend backend) {
    CostsStore store = open(backend);
    Instant t = clock.instant();
    long wide = store.store(billed(DAY.minus(Duration.ofDays(5)), END, t, List.of()));
    long newerButNarrow = store.store(billed(NEXT, END, t.plusSeconds(60), List.of()));
    long onlyOneKey =
        store.store(
            CostsRead.billed(
                spec(ReadSpec.COSTS, DAY, END, List.of("key_baes")),
                t.plusSeconds(120),
                TWO_PAGES,
                List.of()));

    assertThat(store.newestCovering(List.of(spec(ReadSpec.COSTS, DAY, END, List.of()))).get(0).id())
        .as("only the wide read covers every key over both days")
        .isEqualTo(wide);
    assertThat(
            store
                .newestCovering(List.of(spec(ReadSpec.COSTS, DAY, END, List.of("key_baes"))))
                .get(0)
                .id())
        .isEqualTo(onlyOneKey);
    assertThat(
            store.newestCovering(List.of(spec(ReadSpec.COSTS, NEXT, END, List.of()))).get(0).id())
        .isEqualTo(newerButNarrow);
    assertThatThrownBy(
            () ->
                store.newestCovering(
                    List.of(spec(ReadSpec.COSTS, DAY, END.plus(Duration.ofDays(1)), List.of()))))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining("no successful costs read covering 2025-10-26T00:00:00Z to");
  }
}
