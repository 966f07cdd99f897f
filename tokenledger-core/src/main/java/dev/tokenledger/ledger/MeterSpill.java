package dev.tokenledger.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.metering.MeteredRequest;
import dev.tokenledger.metering.MeteredUsage;
import dev.tokenledger.metering.UsageState;
import dev.tokenledger.openai.UsageEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The append-only file next to a ledger where metered requests go when the ledger cannot be written
 * (docs/metering.md): one JSON object per line, each with its record id, so that replaying it into
 * the ledger adds every record exactly once, however often a replay is interrupted. Holds no key: a
 * {@link MeteredRequest} never does. Appends and replays lock the file, so several processes may
 * share it.
 */
public final class MeterSpill {
  /** The file name suffix of a SQLite ledger's spill file ({@code ledger.db.meter-spill}). */
  public static final String SUFFIX = ".meter-spill";

  /** Made on first use: every ledger the CLI opens names its spill file, few ever write one. */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  /** One JVM may not lock a file twice: its threads take turns here first. */
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private final Path file;

  public MeterSpill(Path file) {
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
  }

  /**
   * The spill file of the ledger at {@code location}: beside a SQLite file; for PostgreSQL, in
   * {@code .tokenledger/} under {@code workingDirectory}.
   */
  public static MeterSpill of(LedgerLocation location, Path workingDirectory) {
    if (location.kind() == LedgerLocation.Kind.SQLITE) {
      return new MeterSpill(Path.of(location.sqliteFile() + SUFFIX));
    }
    return new MeterSpill(
        workingDirectory
            .resolve(LedgerLocation.DEFAULT_FILE)
            .resolveSibling("postgresql" + SUFFIX));
  }

  /** Where the file is. */
  public Path file() {
    return file;
  }

  /** Whether the file holds records not yet replayed. */
  public boolean isPending() {
    try {
      return Files.size(file) > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Appends {@code records} and forces them to disk (the file and its folder are created). */
  public void append(String source, List<MeterStore.Record> records) throws IOException {
    StringBuilder lines = new StringBuilder();
    for (MeterStore.Record r : records) {
      lines.append(Json.MAPPER.writeValueAsString(toJson(source, r))).append('\n');
    }
    Files.createDirectories(file.getParent());
    withLock(
        () -> {
          try (FileChannel ch =
                  FileChannel.open(
                      file,
                      StandardOpenOption.CREATE,
                      StandardOpenOption.WRITE,
                      StandardOpenOption.APPEND);
              FileLock ignored = ch.lock()) {
            ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
              ch.write(bytes);
            }
            ch.force(true);
          }
          return null;
        });
  }

  /** What a replay did. */
  public record Replay(int records, int added, int unreadableLines) {
    public static final Replay NOTHING = new Replay(0, 0, 0);
  }

  /**
   * Stores every record of the file in {@code store} (those already there are skipped by their
   * record id) and empties the file once they are committed. The file is left as it was when the
   * ledger cannot be written, and a line that cannot be read (a write cut short) is counted and
   * dropped.
   */
  public Replay replayInto(MeterStore store) throws IOException {
    if (!Files.exists(file)) {
      return Replay.NOTHING;
    }
    return withLock(
        () -> {
          try (FileChannel ch =
                  FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
              FileLock ignored = ch.lock()) {
            if (ch.size() == 0) {
              return Replay.NOTHING;
            }
            String text =
                new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.UTF_8);
            BySource bySource = new BySource();
            int unreadable = 0;
            int count = 0;
            for (String line : text.split("\n")) {
              if (line.isBlank()) {
                continue;
              }
              try {
                JsonNode node = Json.MAPPER.readTree(line);
                bySource.add(node.path("source").asText(MeterStore.SOURCE_PROXY), fromJson(node));
                count++;
              } catch (IOException | RuntimeException e) {
                unreadable++;
              }
            }
            int added = 0;
            for (var e : bySource.entries) {
              added += store.record(e.source, e.records);
            }
            ch.truncate(0);
            ch.force(true);
            return new Replay(count, added, unreadable);
          }
        });
  }

  /** Records grouped by source, in file order. */
  private static final class BySource {
    record Entry(String source, List<MeterStore.Record> records) {}

    final List<Entry> entries = new ArrayList<>();

    void add(String source, MeterStore.Record r) {
      for (Entry e : entries) {
        if (e.source.equals(source)) {
          e.records.add(r);
          return;
        }
      }
      List<MeterStore.Record> list = new ArrayList<>();
      list.add(r);
      entries.add(new Entry(source, list));
    }
  }

  @FunctionalInterface
  private interface IoWork<T> {
    T run() throws IOException;
  }

  private <T> T withLock(IoWork<T> work) throws IOException {
    ReentrantLock lock = LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
    lock.lock();
    try {
      return work.run();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- JSON

  private static ObjectNode toJson(String source, MeterStore.Record r) {
    MeteredRequest m = r.request();
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("record_id", r.recordId());
    n.put("source", source);
    n.put("run_id", m.runId());
    if (m.stepIndex() != null) {
      n.put("step_index", m.stepIndex());
    }
    n.put("key_fingerprint", m.keyFingerprint());
    n.put("api_key_id", m.apiKeyId());
    n.put("method", m.method());
    n.put("path", m.path());
    n.put("endpoint", m.endpoint() == null ? null : m.endpoint().wireName());
    n.put("model", m.model());
    n.put("started_at", m.startedAt().toString());
    n.put("finished_at", m.finishedAt().toString());
    n.put("http_status", m.httpStatus());
    n.put("request_id", m.requestId());
    n.put("streamed", m.streamed());
    n.put("usage_state", m.usageState().label());
    MeteredUsage u = m.usage();
    if (u != null) {
      ObjectNode usage = n.putObject("usage");
      usage.put("input", u.input());
      usage.put("cached_input", u.cachedInput());
      usage.put("output", u.output());
      usage.put("reasoning", u.reasoning());
      usage.put("input_audio", u.inputAudio());
      usage.put("output_audio", u.outputAudio());
    }
    n.put("note", m.note());
    return n;
  }

  private static MeterStore.Record fromJson(JsonNode n) {
    JsonNode u = n.get("usage");
    MeteredUsage usage =
        u == null || u.isNull()
            ? null
            : new MeteredUsage(
                u.path("input").asLong(),
                u.path("cached_input").asLong(),
                u.path("output").asLong(),
                u.path("reasoning").asLong(),
                u.path("input_audio").asLong(),
                u.path("output_audio").asLong());
    String endpoint = text(n, "endpoint");
    MeteredRequest request =
        new MeteredRequest(
            text(n, "run_id"),
            n.hasNonNull("step_index") ? n.get("step_index").asInt() : null,
            text(n, "key_fingerprint"),
            text(n, "api_key_id"),
            text(n, "method"),
            text(n, "path"),
            endpoint == null ? null : UsageEndpoint.fromWireName(endpoint),
            text(n, "model"),
            Instant.parse(text(n, "started_at")),
            Instant.parse(text(n, "finished_at")),
            n.path("http_status").asInt(),
            text(n, "request_id"),
            n.path("streamed").asBoolean(),
            UsageState.of(text(n, "usage_state")),
            usage,
            text(n, "note"));
    String id = text(n, "record_id");
    if (id == null) {
      throw new UncheckedIOException(new IOException("a spilled record has no record_id"));
    }
    return new MeterStore.Record(id, request);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
