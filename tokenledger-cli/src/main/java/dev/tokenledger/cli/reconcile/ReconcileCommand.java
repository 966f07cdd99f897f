package dev.tokenledger.cli.reconcile;

import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.cli.shared.FormatMixin;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.cli.shared.OutputFormat;
import dev.tokenledger.cli.shared.RunFilterMixin;
import dev.tokenledger.cli.shared.Services;
import dev.tokenledger.cli.shared.TimeConverters;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.figures.ReconcileStatus;
import dev.tokenledger.keys.FingerprintResolver;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.reconcile.PassReport;
import dev.tokenledger.reconcile.PassRequest;
import dev.tokenledger.reconcile.ReconcileException;
import dev.tokenledger.reconcile.ReconcileSettings;
import dev.tokenledger.reconcile.Reconciler;
import dev.tokenledger.reconcile.SettleForecast;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tokenledger reconcile}: settles runs against the Usage API until their figures are final.
 */
@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Settle runs against the Usage API until their figures are exact and final.",
      "Reads minute buckets for every run not yet final, attributes them to runs and steps, and",
      "marks a run final once its figures stop changing. Statuses: pending (too young or nothing",
      "read yet), settling, final, warning (a read went down, changed after final, or local",
      "counts disagree: --accept it), error (the last read failed; the previous figures stand).",
      "A final run is read once more an hour or more after it became final."
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  no run in warning",
      "  4  the API refused the usage key (previous figures kept)",
      "  5  the API or the network failed after retries (previous figures kept)",
      "  6  some run is in warning"
    })
public final class ReconcileCommand implements Callable<Integer> {
  @Mixin CommandContext context;
  @Mixin LedgerMixin ledgerOptions;

  @Option(
      names = "--run",
      split = ",",
      paramLabel = "ID",
      description = "Only these runs (final ones are shown, and read again with --force).")
  List<String> runIds = new ArrayList<>();

  @Mixin RunFilterMixin runs;

  @Option(
      names = "--endpoints",
      split = ",",
      paramLabel = "NAME",
      description =
          "Usage endpoints to read. Default: completions,embeddings (Responses API traffic is"
              + " counted under completions).")
  List<String> endpoints = new ArrayList<>();

  @Option(
      names = "--min-age",
      paramLabel = "DURATION",
      converter = TimeConverters.DurationConverter.class,
      description = "A run younger than this stays pending. Default: TOKENLEDGER_MIN_AGE, else 1h.")
  Duration minAge;

  @Option(
      names = "--stable-reads",
      paramLabel = "N",
      description =
          "Identical reads that make a run final. Default: TOKENLEDGER_STABLE_READS, else 3.")
  Integer stableReads;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      converter = TimeConverters.DurationConverter.class,
      description =
          "How far apart identical reads must be, and how often --watch reads."
              + " Default: TOKENLEDGER_INTERVAL, else 5m.")
  Duration interval;

  @Option(names = "--force", description = "Read final runs again too.")
  boolean force;

  @Option(
      names = "--accept",
      paramLabel = "RUN",
      description = "Accept the current figures of a run in warning; it becomes final.")
  String accept;

  @Option(
      names = "--watch",
      description = "Repeat passes every interval until every run is final (or in warning).")
  boolean watch;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = TimeConverters.DurationConverter.class,
      description = "With --watch: stop after this long even if runs are not final yet.")
  Duration timeout;

  @Option(
      names = "--stats",
      description = "Also print what each pass cost: usage requests per endpoint, minutes, runs.")
  boolean stats;

  @Mixin FormatMixin format;

  @Override
  public Integer call() {
    OutputFormat shown =
        format.tableOrJson("reconcile prints table or json; for CSV use 'tokenledger report'");
    if (timeout != null && !watch) {
      throw context.usageError("--timeout goes with --watch: add --watch, or leave --timeout out");
    }
    TokenLedgerConfig cfg = context.config();
    ReconcileSettings settings;
    try {
      settings = settings(cfg);
    } catch (IllegalArgumentException e) {
      throw context.usageError(e.getMessage());
    }
    PassRequest request = request();
    PrintWriter out = context.out();
    PrintWriter err = context.err();
    try (Ledger ledger = context.openExistingLedger(ledgerOptions)) {
      OpenAiAdminClient client = context.adminClient();
      Reconciler reconciler =
          Reconciler.builder(ledger, client)
              .fingerprints(
                  new FingerprintResolver(ledger, cfg.frameworkKeys(), client, err::println))
              .settings(settings)
              .clock(context.environment().clock())
              .listener(ProgressLine.forTerminal(err))
              .build();
      if (accept != null) {
        try {
          reconciler.accept(accept);
        } catch (ReconcileException e) {
          throw context.usageError(e.getMessage());
        }
        err.println("tokenledger: accepted the current figures of run " + accept);
      }
      List<PassReport> passes = new ArrayList<>();
      PassReport last;
      if (watch) {
        last =
            reconciler.watch(
                request,
                timeout,
                context.environment().sleeper(),
                p -> {
                  passes.add(p);
                  ReconcileTableRenderer.passLine(passes.size(), p, err);
                  err.flush();
                });
        if (!last.settled()) {
          err.println(
              "tokenledger: --timeout reached with runs not final yet; run reconcile again later");
        }
      } else {
        last = reconciler.pass(request);
        passes.add(last);
      }
      ReconcileView passed = ReconcileView.of(passes);
      // the last table shows the ledger's state: another reconciler may have settled runs since
      ReconcileView view = passed.withStanding(reconciler.standing(passed.notReadLast()));
      if (shown == OutputFormat.JSON) {
        ReconcileJsonRenderer.render(view, stats, out);
      } else {
        ReconcileTableRenderer.render(view, stats, out, err);
        List<String> waiting =
            view.runs().stream()
                .filter(
                    r ->
                        r.assessment().settledStatus() == ReconcileStatus.PENDING
                            || r.assessment().settledStatus() == ReconcileStatus.SETTLING)
                .map(r -> r.run().id())
                .toList();
        if (!waiting.isEmpty()) {
          Instant now = context.now();
          SettleForecast.footer(
                  new SettleForecast(ledger.settlementStore(), settings)
                      .earliestFinal(waiting, now),
                  settings,
                  now)
              .ifPresent(out::println);
        }
      }
      out.flush();
      if (last.apiError() != null) {
        // the figures read before stay; the error handler says what failed and what to do
        throw last.apiError();
      }
      return view.hasWarnings() ? ExitCode.WARNINGS : ExitCode.OK;
    }
  }

  private PassRequest request() {
    List<String> ids = new ArrayList<>(runIds);
    if (accept != null && !ids.contains(accept)) {
      ids.add(accept);
    }
    try {
      List<UsageEndpoint> chosen =
          endpoints.isEmpty()
              ? PassRequest.DEFAULT_ENDPOINTS
              : endpoints.stream().map(UsageEndpoint::fromWireName).distinct().toList();
      return new PassRequest(ids, runs.experiment(), runs.framework(), chosen, force);
    } catch (IllegalArgumentException e) {
      throw context.usageError(e.getMessage());
    }
  }

  /**
   * The settle knobs: a flag out of range is a usage error (exit 2), a {@code TOKENLEDGER_*} value
   * out of range a configuration error (exit 3). Identical reads less than a second apart prove
   * nothing (three could be taken in one second), so the interval is at least 1 s.
   */
  private ReconcileSettings settings(TokenLedgerConfig cfg) {
    if (interval != null && interval.compareTo(TokenLedgerConfig.INTERVAL_FLOOR) < 0) {
      throw context.usageError(
          "--interval must be at least 1s (default 5m): identical reads must be spaced apart to"
              + " prove anything");
    }
    if (stableReads != null && stableReads < 1) {
      throw context.usageError(
          "--stable-reads cannot be less than 1, was " + stableReads + " (default 3)");
    }
    return Services.reconcileSettings(cfg, minAge, stableReads, interval);
  }
}
