package dev.tokenledger.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * An open-loop HTTP load generator on the JDK's client: sends at a fixed rate whatever the answers
 * do, and times each request from the instant it was due (so a stall counts against every request
 * it delayed), to the first body byte and to the last.
 */
final class LoadGenerator {
  private static final int MAX_IN_FLIGHT = 64;

  private final HttpClient http;

  LoadGenerator(HttpClient http) {
    this.http = http;
  }

  /** Latencies of one run, in nanoseconds, sorted. */
  record Result(long[] total, long[] firstByte, int errors, long bytes, double seconds) {
    double p(long[] sorted, double q) {
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(q * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    double totalMillis(double q) {
      return p(total, q);
    }

    double firstByteMillis(double q) {
      return p(firstByte, q);
    }

    double rate() {
      return total.length / seconds;
    }
  }

  /** Sends {@code rate} requests per second for {@code duration}; waits for the last answer. */
  Result fixedRate(Supplier<HttpRequest> request, int rate, Duration duration)
      throws InterruptedException {
    long period = TimeUnit.SECONDS.toNanos(1) / rate;
    long count = duration.toNanos() / period;
    ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
    AtomicInteger errors = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    long start = System.nanoTime();
    for (long i = 0; i < count; i++) {
      long due = start + i * period;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      inFlight.acquire();
      send(request.get(), due, samples, errors, bytes).whenComplete((r, e) -> inFlight.release());
    }
    inFlight.acquire(MAX_IN_FLIGHT);
    double seconds = (System.nanoTime() - start) / 1e9;
    return result(samples, errors.get(), bytes.get(), seconds);
  }

  /** {@code concurrency} clients each send one request after the other for {@code duration}. */
  Result saturate(Supplier<HttpRequest> request, int concurrency, Duration duration)
      throws InterruptedException {
    ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
    AtomicInteger errors = new AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    CompletableFuture<?>[] loops = new CompletableFuture<?>[concurrency];
    for (int c = 0; c < concurrency; c++) {
      loops[c] = loop(request, end, samples, errors, bytes);
    }
    CompletableFuture.allOf(loops).join();
    double seconds = (System.nanoTime() - start) / 1e9;
    return result(samples, errors.get(), bytes.get(), seconds);
  }

  private CompletableFuture<Void> loop(
      Supplier<HttpRequest> request,
      long end,
      ConcurrentLinkedQueue<long[]> samples,
      AtomicInteger errors,
      AtomicLong bytes) {
    if (System.nanoTime() >= end) {
      return CompletableFuture.completedFuture(null);
    }
    return send(request.get(), System.nanoTime(), samples, errors, bytes)
        .thenCompose(x -> loop(request, end, samples, errors, bytes));
  }

  private CompletableFuture<Void> send(
      HttpRequest request,
      long due,
      ConcurrentLinkedQueue<long[]> samples,
      AtomicInteger errors,
      AtomicLong bytes) {
    return http.sendAsync(request, info -> new Timing(info.statusCode(), due))
        .handle(
            (r, e) -> {
              if (e != null || r.statusCode() != 200) {
                errors.incrementAndGet();
              } else {
                long[] s = r.body();
                samples.add(new long[] {s[0] - due, s[1] - due});
                bytes.addAndGet(s[2]);
              }
              return null;
            });
  }

  private static Result result(
      ConcurrentLinkedQueue<long[]> samples, int errors, long bytes, double seconds) {
    List<long[]> all = List.copyOf(samples);
    long[] total = new long[all.size()];
    long[] first = new long[all.size()];
    for (int i = 0; i < all.size(); i++) {
      total[i] = all.get(i)[1];
      first[i] = all.get(i)[0];
    }
    Arrays.sort(total);
    Arrays.sort(first);
    return new Result(total, first, errors, bytes, seconds);
  }

  /** Notes when the first body byte and the end came; keeps nothing else. */
  private static final class Timing implements HttpResponse.BodySubscriber<long[]> {
    private final CompletableFuture<long[]> done = new CompletableFuture<>();
    private final long due;
    private long first;
    private long bytes;

    Timing(int status, long due) {
      this.due = due;
    }

    @Override
    public CompletionStage<long[]> getBody() {
      return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (first == 0) {
        first = System.nanoTime();
      }
      for (ByteBuffer b : items) {
        bytes += b.remaining();
      }
    }

    @Override
    public void onError(Throwable throwable) {
      done.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      long now = System.nanoTime();
      done.complete(new long[] {first == 0 ? now : first, now, bytes});
    }
  }
}
