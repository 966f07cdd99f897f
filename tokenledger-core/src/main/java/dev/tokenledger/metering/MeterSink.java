package dev.tokenledger.metering;

/**
 * Where a metering proxy hands each finished request. {@link #record} may block (it writes to a
 * ledger), so a proxy calls it off its I/O threads; it must not throw for a write that failed (the
 * ledger's sink spills such records to a file and replays them later), and the experiment's request
 * has already been answered by the time it is called.
 */
@FunctionalInterface
public interface MeterSink {
  /** Keeps {@code request}. */
  void record(MeteredRequest request);
}
