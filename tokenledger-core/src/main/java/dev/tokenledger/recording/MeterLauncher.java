package dev.tokenledger.recording;

import dev.tokenledger.ledger.Ledger;
import java.net.URI;
import java.util.function.Consumer;

/**
 * Starts the metering proxy of one {@code run exec --meter} (docs/metering.md). Core holds no HTTP
 * server: the implementation lives in the {@code tokenledger-proxy} module, and the command line
 * hands it to {@link RunExecutor}.
 */
@FunctionalInterface
public interface MeterLauncher {

  /**
   * Starts a proxy on a free loopback port that forwards to {@code upstream} and records every
   * request into {@code ledger}; {@code onFailure} hears, in one line without a key, when it stops
   * recording (the run is then marked {@code meter_failed}).
   *
   * @throws RuntimeException when the proxy cannot start (the command then runs unmetered)
   */
  Meter start(Ledger ledger, URI upstream, Consumer<String> onFailure);

  /** A running proxy; closing it writes every record it still holds. */
  interface Meter extends AutoCloseable {
    /** The base URL a child gives its OpenAI SDK for {@code runId}'s step {@code stepIndex}. */
    URI baseUrl(String runId, Integer stepIndex);

    @Override
    void close();
  }
}
