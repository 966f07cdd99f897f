package dev.tokenledger.cli.run;

import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.metering.MeterPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --meter}, {@code --proxy} and {@code --format} of {@code run start} and {@code run step
 * start}: a harness that meters through {@code tokenledger proxy} gets the base URL of each run or
 * step, as text or as export lines to {@code eval}.
 */
public final class MeterOptions {
  /** How {@code run start} and {@code run step start} print what they began. */
  public enum Format {
    /** The id (or index); with {@code --meter}, the base URL instead. */
    TEXT,
    /** {@code export} lines: the id or index and, with {@code --meter}, the base URL variables. */
    ENV
  }

  @Option(
      names = "--meter",
      description =
          "Meter through 'tokenledger proxy': print the base URL (http://HOST:PORT/r/<run>/…/v1)"
              + " to give the framework as OPENAI_BASE_URL, and mark the run metered.")
  boolean meter;

  @Option(
      names = "--proxy",
      paramLabel = "URL",
      description =
          "Where 'tokenledger proxy' listens. Default: TOKENLEDGER_PROXY, else"
              + " http://127.0.0.1:8790.")
  String proxy;

  private URI origin;

  /**
   * Checks where the proxy is before anything is recorded, so that a bad address leaves no run or
   * step behind: {@code --proxy} wrong is a usage error (exit 2), {@code TOKENLEDGER_PROXY} wrong a
   * configuration error (exit 3).
   */
  void check(TokenLedgerConfig config, CommandSpec spec) {
    if (!meter) {
      return;
    }
    if (proxy == null) {
      origin = config.proxyUrl();
      return;
    }
    try {
      origin = TokenLedgerConfig.proxyOrigin(proxy);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--proxy " + e.getMessage());
    }
  }

  @Option(
      names = "--format",
      paramLabel = "FMT",
      description =
          "text (the id, or with --meter the base URL) or env (export lines). Default: text.")
  Format format = Format.TEXT;

  /**
   * Prints what was begun: {@code variable}={@code value} (the run id or step index) and, when
   * metered, the base URL of {@code runId}'s step {@code stepIndex} (null: the run). Marks the run
   * metered and warns when no proxy answers.
   */
  void print(
      PrintWriter out,
      PrintWriter err,
      TokenLedgerConfig config,
      Ledger ledger,
      String variable,
      String value,
      String runId,
      Integer stepIndex) {
    Map<String, String> exports = new LinkedHashMap<>();
    exports.put(variable, value);
    String base = null;
    if (meter) {
      if (origin == null) {
        throw new IllegalStateException("check() the proxy's address before recording");
      }
      base = origin + MeterPath.basePath(runId, stepIndex);
      ledger.meterStore().markMetered(runId);
      exports.put("OPENAI_BASE_URL", base);
      exports.put("OPENAI_API_BASE", base);
      warnWhenSilent(origin, err);
    }
    if (format == Format.ENV) {
      exports.forEach((k, v) -> out.println("export " + k + "=" + v));
    } else {
      out.println(base != null ? base : value);
    }
  }

  private static void warnWhenSilent(URI origin, PrintWriter err) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(origin.getHost(), origin.getPort()), 1000);
    } catch (IOException | IllegalArgumentException e) {
      err.println(
          "tokenledger: warning: no tokenledger proxy answers at "
              + origin
              + ": start one with 'eval \"$(tokenledger proxy &)\"' (or point --proxy or"
              + " TOKENLEDGER_PROXY at yours); requests to this base URL fail until then");
      err.flush();
    }
  }
}
