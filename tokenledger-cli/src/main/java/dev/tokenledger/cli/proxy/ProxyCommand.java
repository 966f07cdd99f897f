package dev.tokenledger.cli.proxy;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.cli.shared.Serving;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.proxy.LedgerMeter;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tokenledger proxy}: the metering proxy as a server, for harnesses that drive their runs
 * with {@code run start/step/end} (docs/metering.md).
 */
@Command(
    name = "proxy",
    description = {
      "Serve the metering proxy: every OpenAI request sent through it is forwarded to the API"
          + " and its response's usage recorded in the ledger, tagged with the run and step its"
          + " base URL names (http://HOST:PORT/r/<run>/s/<step>/v1).",
      "Prints an export line for TOKENLEDGER_PROXY; 'run start --meter' and 'run step start"
          + " --meter' then print each run's or step's base URL.",
      "  eval \"$(tokenledger proxy &)\"",
      "  eval \"$(tokenledger run start --meter --framework chatdev --format env)\""
    },
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class ProxyCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      paramLabel = "P",
      description = "The port (0: any free port). Default: TOKENLEDGER_PROXY's, else 8790.")
  Integer port;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description =
          "The address to listen on. Default: 127.0.0.1. Anything but loopback lets other"
              + " machines send requests, and their keys, through this proxy.")
  String bind;

  @Option(
      names = "--upstream",
      paramLabel = "URL",
      description = "Where requests go. Default: OPENAI_BASE_URL, else https://api.openai.com/v1.")
  URI upstream;

  @Mixin CommandContext context;

  @Mixin LedgerMixin ledgerOptions;

  @Override
  public Integer call() throws InterruptedException {
    TokenLedgerConfig config = context.config();
    PrintWriter out = context.out();
    PrintWriter err = context.err();
    int listenPort = port != null ? port : config.proxyUrl().getPort();
    if (listenPort < 0 || listenPort > 65535) {
      throw context.usageError("--port must be 0..65535, was " + listenPort);
    }
    String address = bind != null ? bind : "127.0.0.1";
    InetAddress listen = address(address);
    URI target = upstream != null ? upstream : config.baseUrl();
    refuseLoop(target, listen, listenPort);
    if (!listen.isLoopbackAddress()) {
      err.println(
          "tokenledger: warning: listening on "
              + address
              + ", not loopback: anyone who can reach it can send requests through it, with"
              + " their keys or the ones your frameworks send; keep it on a trusted network");
    }
    OpenAiAdminClient admin = context.adminClientIfConfigured();
    Ledger ledger = context.openLedger(ledgerOptions);
    LedgerMeter meter;
    try {
      meter =
          LedgerMeter.builder(ledger, target)
              .admin(admin)
              .bind(address)
              .port(listenPort)
              .clock(context.environment().clock())
              .workingDirectory(context.environment().workingDirectory())
              .warnings(
                  line -> {
                    err.println(line);
                    err.flush();
                  })
              .onFailure(
                  f ->
                      context.warn(
                          f.message()
                              + (f.runId() == null
                                  ? ""
                                  : "; run " + f.runId() + " is marked meter_failed")))
              .start();
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
    // before the first line is printed: a script that kills the proxy at once still closes it
    Serving serving = Serving.start("proxy", meter, ledger);
    String origin = "http://" + hostOf(listen) + ":" + meter.port();
    out.println("export TOKENLEDGER_PROXY=" + origin);
    // Closed, not just flushed: `eval "$(tokenledger proxy &)"` reads until standard output ends.
    out.close();
    err.println(
        "tokenledger: metering proxy at "
            + origin
            + " -> "
            + meter.upstream()
            + ", recording into "
            + ledgerOptions.location(context).displayName()
            + "; give a run its base URL with 'tokenledger run start --meter'; Ctrl-C or kill "
            + ProcessHandle.current().pid()
            + " stops it");
    err.flush();
    Optional<String> failure = serving.awaitStopOr(meter.stoppedOnItsOwn());
    if (failure.isEmpty()) {
      return 0;
    }
    err.println(
        "tokenledger: error: the proxy stopped listening on its own ("
            + failure.get()
            + "); what it had recorded is in the ledger; start it again with 'tokenledger proxy'");
    return ExitCode.FAILURE;
  }

  private InetAddress address(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw context.usageError(
          "--bind " + text + " is not an address of this machine; use 127.0.0.1 or an IP it has");
    }
  }

  /** An upstream that is this proxy itself would send every request round in a circle. */
  private static void refuseLoop(URI target, InetAddress listen, int listenPort) {
    if (target.getHost() == null || listenPort == 0) {
      return;
    }
    int targetPort =
        target.getPort() > 0 ? target.getPort() : "https".equals(target.getScheme()) ? 443 : 80;
    boolean local;
    try {
      InetAddress host = InetAddress.getByName(target.getHost());
      local = host.isLoopbackAddress() || host.equals(listen) || listen.isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return;
    }
    if (local && targetPort == listenPort) {
      throw new ConfigurationException(
          "the upstream "
              + target
              + " is this proxy itself (OPENAI_BASE_URL points at it?): give the API's address"
              + " with --upstream, or start the proxy from a shell where OPENAI_BASE_URL is the"
              + " API's");
    }
  }

  private static String hostOf(InetAddress listen) {
    if (listen.isAnyLocalAddress()) {
      return "127.0.0.1";
    }
    String host = listen.getHostAddress();
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
