package dev.tokenledger.proxy;

import dev.tokenledger.metering.MeterSink;
import dev.tokenledger.metering.MeteredRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A sink that keeps what it is given, for tests to take in order. */
final class RecordingSink implements MeterSink {
  private final BlockingQueue<MeteredRequest> records = new LinkedBlockingQueue<>();

  @Override
  public void record(MeteredRequest request) {
    records.add(request);
  }

  /** The next record, waiting for the sink thread to deliver it. */
  MeteredRequest next() throws InterruptedException {
    MeteredRequest r = records.poll(30, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no record arrived within 30 s");
    }
    return r;
  }

  /** Every record delivered so far (call after the proxy is closed to have them all). */
  List<MeteredRequest> all() {
    List<MeteredRequest> out = new ArrayList<>();
    records.drainTo(out);
    return out;
  }
}
