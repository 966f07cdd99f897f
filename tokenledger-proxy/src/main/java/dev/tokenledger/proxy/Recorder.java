package dev.tokenledger.proxy;

import dev.tokenledger.metering.MeterSink;
import dev.tokenledger.metering.MeteredRequest;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Hands finished requests to the {@link MeterSink} on one thread of its own, in the order they
 * finished, so that a slow or failing sink never holds up an I/O thread or a client.
 */
final class Recorder {
  private final MeterSink sink;
  private final Consumer<ProxyFailure> onFailure;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(new DefaultThreadFactory("tokenledger-meter-sink", true));

  Recorder(MeterSink sink, Consumer<ProxyFailure> onFailure) {
    this.sink = sink;
    this.onFailure = onFailure;
  }

  /** Queues {@code request} for the sink; never blocks, never throws. */
  void record(MeteredRequest request) {
    try {
      thread.execute(() -> deliver(request));
    } catch (RuntimeException e) {
      fail(request.runId(), "a request finished after the proxy stopped and was not recorded", e);
    }
  }

  /** Builds a record on the sink's thread (for records whose usage is read at the end). */
  void record(String runId, java.util.function.Supplier<MeteredRequest> request) {
    try {
      thread.execute(
          () -> {
            MeteredRequest r;
            try {
              r = request.get();
            } catch (RuntimeException e) {
              fail(runId, "a request could not be recorded: " + e.getMessage(), e);
              return;
            }
            deliver(r);
          });
    } catch (RuntimeException e) {
      fail(runId, "a request finished after the proxy stopped and was not recorded", e);
    }
  }

  private void deliver(MeteredRequest request) {
    try {
      sink.record(request);
    } catch (RuntimeException e) {
      fail(request.runId(), "the meter sink refused a record: " + e.getMessage(), e);
    }
  }

  void fail(String runId, String message, Throwable cause) {
    try {
      onFailure.accept(new ProxyFailure(runId, message, cause));
    } catch (RuntimeException ignored) {
      // the caller's own handler failed: nothing left to tell
    }
  }

  /** Delivers what is queued (waiting up to {@code seconds}), then stops. */
  void close(long seconds) {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(seconds, TimeUnit.SECONDS)) {
        fail(null, "the meter sink did not take every record within " + seconds + " s", null);
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      thread.shutdownNow();
    }
  }
}
