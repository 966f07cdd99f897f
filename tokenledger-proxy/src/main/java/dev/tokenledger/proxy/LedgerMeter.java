package dev.tokenledger.proxy;

import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.MeterSpill;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.recording.LedgerMeterSink;
import dev.tokenledger.recording.MeterLauncher;
import dev.tokenledger.recording.SaltedKeyIdentifier;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A metering proxy that records into a ledger: what {@code run exec --meter} and {@code tokenledger
 * proxy} run, and the Java API for a harness that meters its own runs.
 *
 * <pre>
 * try (LedgerMeter meter = LedgerMeter.builder(ledger, URI.create("https://api.openai.com/v1"))
 *     .start()) {
 *   ledger.meterStore().markMetered(run.id());
 *   childEnvironment.put("OPENAI_BASE_URL", meter.baseUrl(run.id(), step.index()).toString());
 *   ...
 * }
 * </pre>
 *
 * Records the ledger cannot take are spilled to a file beside it and written on its next open; a
 * request whose record is lost, or the proxy stopping on its own, marks the run {@code
 * meter_failed} (its figures then come from the Usage API alone).
 */
public final class LedgerMeter implements MeterLauncher.Meter {
  private final Ledger ledger;
  private final LedgerMeterSink sink;
  private final SaltedKeyIdentifier keys;
  private final MeteringProxy proxy;
  private final Set<String> failedRuns = ConcurrentHashMap.newKeySet();
  // failures come on the proxy's I/O threads, which must not wait for the ledger
  private final ExecutorService failures =
      Executors.newSingleThreadExecutor(
          new DefaultThreadFactory("tokenledger-meter-failures", true));

  private LedgerMeter(Builder b) {
    this.ledger = b.ledger;
    Consumer<String> warnings = b.warnings;
    this.sink =
        LedgerMeterSink.open(
            b.ledger,
            b.spill != null ? b.spill : MeterSpill.of(b.ledger.location(), b.workingDirectory),
            warnings);
    SaltedKeyIdentifier identifier = null;
    try {
      identifier = SaltedKeyIdentifier.open(b.ledger, b.admin, warnings);
      MeteringProxy.Builder proxy =
          MeteringProxy.builder(b.upstream)
              .bindAddress(b.bind)
              .port(b.port)
              .sink(sink)
              .keyIdentifier(identifier)
              .onFailure(f -> failed(f, b.onFailure));
      if (b.clock != null) {
        proxy.clock(b.clock);
      }
      this.keys = identifier;
      this.proxy = proxy.start();
    } catch (RuntimeException e) {
      if (identifier != null) {
        identifier.close();
      }
      sink.close();
      throw e;
    }
  }

  /** A builder for a meter recording into {@code ledger} and forwarding to {@code upstream}. */
  public static Builder builder(Ledger ledger, URI upstream) {
    return new Builder(ledger, upstream);
  }

  /**
   * The launcher {@code run exec --meter} uses: a proxy on a free loopback port, resolving key ids
   * through {@code admin} (null: none) and spilling beside the ledger (a PostgreSQL ledger spills
   * under {@code workingDirectory}).
   */
  public static MeterLauncher launcher(
      OpenAiAdminClient admin, Path workingDirectory, Clock clock, Consumer<String> warnings) {
    return (ledger, upstream, onFailure) ->
        builder(ledger, upstream)
            .admin(admin)
            .workingDirectory(workingDirectory)
            .clock(clock)
            .warnings(warnings)
            .onFailure(f -> onFailure.accept(f.message()))
            .start();
  }

  private void failed(ProxyFailure failure, Consumer<ProxyFailure> listener) {
    String runId = failure.runId();
    if (runId != null && !failedRuns.add(runId)) {
      return; // marked once, said once
    }
    try {
      failures.execute(
          () -> {
            if (runId != null) {
              try {
                ledger.meterStore().markMeterFailed(runId, failure.message());
              } catch (RuntimeException e) {
                // the run may not be in this ledger (a mistyped tag): the listener still hears
              }
            }
            listener.accept(failure);
          });
    } catch (RejectedExecutionException closing) {
      listener.accept(failure);
    }
  }

  /** The port the proxy listens on. */
  public int port() {
    return proxy.port();
  }

  /** Completes, with the reason, when the proxy stops listening without being closed. */
  public CompletionStage<String> stoppedOnItsOwn() {
    return proxy.stoppedOnItsOwn();
  }

  /** Where requests go. */
  public URI upstream() {
    return proxy.upstream();
  }

  /** The untagged base URL ({@code http://host:port/v1}). */
  public URI baseUrl() {
    return proxy.baseUrl();
  }

  @Override
  public URI baseUrl(String runId, Integer stepIndex) {
    return proxy.baseUrl(runId, stepIndex);
  }

  /** Stops the proxy, then writes every record it holds into the ledger (or the spill file). */
  @Override
  public void close() {
    try {
      proxy.close();
    } finally {
      try {
        failures.shutdown();
        failures.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        sink.close();
      } finally {
        keys.close();
      }
    }
  }

  /** Settings of a {@link LedgerMeter}; all but the ledger and upstream have defaults. */
  public static final class Builder {
    private final Ledger ledger;
    private final URI upstream;
    private OpenAiAdminClient admin;
    private String bind = "127.0.0.1";
    private int port;
    private Clock clock;
    private MeterSpill spill;
    private Path workingDirectory = Path.of("");
    private Consumer<String> warnings = w -> {};
    private Consumer<ProxyFailure> onFailure = f -> {};

    private Builder(Ledger ledger, URI upstream) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      this.upstream = Objects.requireNonNull(upstream, "upstream");
    }

    /** Resolves key ids through the Projects API; default none (ids from the ledger only). */
    public Builder admin(OpenAiAdminClient value) {
      this.admin = value;
      return this;
    }

    /** The address to listen on; default 127.0.0.1. */
    public Builder bind(String value) {
      this.bind = Objects.requireNonNull(value, "bind");
      return this;
    }

    /** The port; default 0, any free port. */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    /** The clock records are stamped with; default the system clock. */
    public Builder clock(Clock value) {
      this.clock = value;
      return this;
    }

    /** Where records the ledger cannot take go; default beside the ledger. */
    public Builder spill(MeterSpill value) {
      this.spill = value;
      return this;
    }

    /** The folder a PostgreSQL ledger's spill file goes under; default the current one. */
    public Builder workingDirectory(Path value) {
      this.workingDirectory = Objects.requireNonNull(value, "workingDirectory");
      return this;
    }

    /** Hears one line (never a key) when writing records fails or a key id cannot be found. */
    public Builder warnings(Consumer<String> value) {
      this.warnings = Objects.requireNonNull(value, "warnings");
      return this;
    }

    /** Hears every failure that makes records incomplete (after the run is marked). */
    public Builder onFailure(Consumer<ProxyFailure> value) {
      this.onFailure = Objects.requireNonNull(value, "onFailure");
      return this;
    }

    /** Starts the proxy. */
    public LedgerMeter start() {
      return new LedgerMeter(this);
    }
  }
}
