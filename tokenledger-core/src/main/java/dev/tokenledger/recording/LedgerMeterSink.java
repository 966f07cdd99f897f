package dev.tokenledger.recording;

import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.MeterSpill;
import dev.tokenledger.ledger.MeterStore;
import dev.tokenledger.metering.MeterSink;
import dev.tokenledger.metering.MeteredRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The {@link MeterSink} that keeps metered requests in a ledger (docs/metering.md). {@link #record}
 * only queues: one writer thread stores what has queued up in one transaction, so requests that
 * finish together are written together. A batch the ledger refuses is appended to the ledger's
 * spill file and replayed after the next successful write (and when the ledger is next opened with
 * the spill file set), each record exactly once. Nothing here throws into the proxy; failures are
 * told to {@code warnings}, once per stretch of failures.
 */
public final class LedgerMeterSink implements MeterSink, AutoCloseable {
  private static final int BATCH = 512;

  /** Tells the writer to finish what it has and stop. */
  private static final Object STOP = new Object();

  private final MeterStore store;
  private final MeterSpill spill;
  private final Consumer<String> warnings;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private final Object gate = new Object();
  private volatile boolean closed;
  private boolean failing;
  private long spilled;
  private long lost;

  private LedgerMeterSink(MeterStore store, MeterSpill spill, Consumer<String> warnings) {
    this.store = store;
    this.spill = spill;
    this.warnings = warnings;
    this.writer = new Thread(this::writeLoop, "tokenledger-meter-sink");
    writer.setDaemon(true);
  }

  /**
   * A sink writing into {@code ledger}, spilling to {@code spill} (see {@link MeterSpill#of}); what
   * the spill file already holds is replayed first. Close it to write what is queued.
   */
  public static LedgerMeterSink open(Ledger ledger, MeterSpill spill, Consumer<String> warnings) {
    Objects.requireNonNull(ledger, "ledger");
    LedgerMeterSink sink =
        new LedgerMeterSink(
            ledger.meterStore(),
            Objects.requireNonNull(spill, "spill"),
            Objects.requireNonNull(warnings, "warnings"));
    sink.replaySpill();
    sink.writer.start();
    return sink;
  }

  @Override
  public void record(MeteredRequest request) {
    if (request == null) {
      return;
    }
    try {
      MeterStore.Record r = new MeterStore.Record(UUID.randomUUID().toString(), request);
      synchronized (gate) {
        if (!closed) {
          queue.add(r);
          return;
        }
      }
      synchronized (this) {
        write(List.of(r));
      }
    } catch (RuntimeException e) {
      warnings.accept("tokenledger: warning: a metered request was not kept (" + e + ")");
    }
  }

  /** Waits until every request recorded before this call is stored or spilled. */
  public void flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (gate) {
      if (closed) {
        return;
      }
      queue.add(done);
    }
    try {
      done.join();
    } catch (RuntimeException e) {
      // the writer is gone; close() reports what is left
    }
  }

  /** Requests appended to the spill file so far, by this sink. */
  public synchronized long spilled() {
    return spilled;
  }

  /** Requests neither stored nor spilled (the spill file could not be written either). */
  public synchronized long lost() {
    return lost;
  }

  /** Writes what is queued and stops the writer; later records are written one by one. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    synchronized (gate) {
      closed = true;
      queue.add(STOP);
    }
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Object> rest = new ArrayList<>();
    queue.drainTo(rest);
    synchronized (this) {
      write(records(rest));
    }
  }

  private void writeLoop() {
    List<Object> batch = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, BATCH - 1);
      stop = batch.contains(STOP);
      synchronized (this) {
        write(records(batch));
      }
      for (Object o : batch) {
        if (o instanceof CompletableFuture<?> f) {
          f.complete(null);
        }
      }
      batch.clear();
    }
  }

  private static List<MeterStore.Record> records(List<Object> items) {
    List<MeterStore.Record> out = new ArrayList<>();
    for (Object o : items) {
      if (o instanceof MeterStore.Record r) {
        out.add(r);
      }
    }
    return out;
  }

  /** Stores {@code records}, or spills them; then replays the spill file after a success. */
  private void write(List<MeterStore.Record> records) {
    if (records.isEmpty()) {
      return;
    }
    try {
      store.record(MeterStore.SOURCE_PROXY, records);
    } catch (RuntimeException e) {
      spill(records, e);
      return;
    }
    if (failing) {
      failing = false;
      warnings.accept(
          "tokenledger: the ledger can be written again; replaying " + spill.file() + " into it");
    }
    replaySpill();
  }

  private void spill(List<MeterStore.Record> records, RuntimeException cause) {
    if (!failing) {
      failing = true;
      warnings.accept(
          "tokenledger: warning: cannot write metered requests to the ledger ("
              + cause.getMessage()
              + "); they go to "
              + spill.file()
              + " and are replayed when the ledger can be written");
    }
    try {
      spill.append(MeterStore.SOURCE_PROXY, records);
      spilled += records.size();
    } catch (IOException | RuntimeException e) {
      lost += records.size();
      warnings.accept(
          "tokenledger: warning: "
              + records.size()
              + " metered requests are lost: neither the ledger nor "
              + spill.file()
              + " can be written ("
              + e.getMessage()
              + ")");
    }
  }

  private void replaySpill() {
    if (!spill.isPending()) {
      return;
    }
    try {
      MeterSpill.Replay replay = spill.replayInto(store);
      if (replay.unreadableLines() > 0) {
        warnings.accept(
            "tokenledger: warning: "
                + replay.unreadableLines()
                + " unreadable lines of "
                + spill.file()
                + " were dropped (a write cut short)");
      }
    } catch (IOException | RuntimeException e) {
      // still not writable: the records stay in the file for the next successful write
    }
  }
}
