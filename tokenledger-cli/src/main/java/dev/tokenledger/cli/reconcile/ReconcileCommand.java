package dev.tokenledger.cli.reconcile;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.cli.CliEnvironment;
import dev.tokenledger.cli.ConfigMixin;
import dev.tokenledger.cli.ExitCode;
import dev.tokenledger.cli.LedgerMixin;
import dev.tokenledger.cli.OutputFormat;
import dev.tokenledger.cli.Services;
import dev.tokenledger.cli.TimeConverters;
import dev.tokenledger.config.Setting;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
  private final CliEnvironment environment;

  @Spec CommandSpec spec;
  @Mixin ConfigMixin config;
  @Mixin LedgerMixin ledgerOptions;

  @Option(
      names = "--run",
      split = ",",
      paramLabel = "ID",
      description = "Only these runs (final ones are shown, and read again with --force).")
  List<String> runIds = new ArrayList<>();

  @Option(names = "--experiment", description = "Only runs of this experiment.")
  String experiment;

  @Option(names = "--framework", description = "Only runs of this framework.")
  String framework;

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

  @Option(names = "--format", description = "table (default) or json.")
  OutputFormat format = OutputFormat.TABLE;

  public ReconcileCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (format == OutputFormat.CSV) {
      throw usageError("reconcile prints table or json; for CSV use 'tokenledger report'");
    }
    if (timeout != null && !watch) {
      throw usageError("--timeout goes with --watch: add --watch, or leave --timeout out");
    }
    TokenLedgerConfig cfg = Services.config(environment, config);
    Services.printSettingWarnings(cfg, spec.commandLine().getErr());
    ReconcileSettings settings;
    try {
      settings = settings(cfg);
    } catch (IllegalArgumentException e) {
      throw usageError(e.getMessage());
    }
    PassRequest request = request();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Ledger ledger = ledgerOptions.openExisting(environment, cfg, err)) {
      OpenAiAdminClient client = Services.adminClient(environment, cfg, cfg.usageKey());
      Reconciler reconciler =
          Reconciler.builder(ledger, client)
              .fingerprints(
                  new FingerprintResolver(ledger, cfg.frameworkKeys(), client, err::println))
              .settings(settings)
              .clock(environment.clock())
              .listener(ProgressLine.forTerminal(err))
              .build();
      if (accept != null) {
        try {
          reconciler.accept(accept);
        } catch (ReconcileException e) {
          throw usageError(e.getMessage());
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
                environment.sleeper(),
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
      if (format == OutputFormat.JSON) {
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
          Instant now = environment.clock().instant();
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
      return new PassRequest(ids, experiment, framework, chosen, force);
    } catch (IllegalArgumentException e) {
      throw usageError(e.getMessage());
    }
  }

  /**
   * The settle knobs: a flag out of range is a usage error (exit 2), a {@code TOKENLEDGER_*} value
   * out of range a configuration error (exit 3). Identical reads less than a second apart prove
   * nothing (three could be taken in one second), so the interval is at least 1 s.
   */
  private ReconcileSettings settings(TokenLedgerConfig cfg) {
    if (interval != null && interval.compareTo(TokenLedgerConfig.INTERVAL_FLOOR) < 0) {
      throw usageError(
          "--interval must be at least 1s (default 5m): identical reads must be spaced apart to"
              + " prove anything");
    }
    if (stableReads != null && stableReads < 1) {
      throw usageError("--stable-reads cannot be less than 1, was " + stableReads + " (default 3)");
    }
    return settings(cfg, minAge, stableReads, interval);
  }

  /**
   * The settings: the options given, else {@code TOKENLEDGER_*} (or genai-devbench's names for
   * them), else the defaults. {@code run show} and {@code report} use them to say when a run can be
   * final.
   *
   * @throws ConfigurationException for a setting that cannot be read or is out of range
   * @throws IllegalArgumentException for values {@link ReconcileSettings} refuses
   */
  public static ReconcileSettings settings(
      TokenLedgerConfig cfg, Duration minAge, Integer stableReads, Duration interval) {
    Duration age = minAge != null ? minAge : duration(cfg, Setting.TOKENLEDGER_MIN_AGE);
    Duration every = interval != null ? interval : duration(cfg, Setting.TOKENLEDGER_INTERVAL);
    if (every.compareTo(TokenLedgerConfig.INTERVAL_FLOOR) < 0) {
      throw new ConfigurationException(
          "TOKENLEDGER_INTERVAL='"
              + cfg.value(Setting.TOKENLEDGER_INTERVAL).orElseThrow()
              + "' is under 1 s: identical reads must be spaced apart to prove anything; set it to"
              + " at least 1s (default 5m)");
    }
    int reads = stableReads != null ? stableReads : stableReadsSetting(cfg);
    return new ReconcileSettings(age, reads, every);
  }

  private static int stableReadsSetting(TokenLedgerConfig cfg) {
    String v = cfg.value(Setting.TOKENLEDGER_STABLE_READS).orElseThrow();
    int reads;
    try {
      reads = Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      reads = 0;
    }
    if (reads < 1) {
      throw new ConfigurationException(
          "TOKENLEDGER_STABLE_READS (or RECONCILIATION_MIN_STABLE_VERIFICATIONS)='"
              + v
              + "' is not a whole number of at least 1: set it to e.g. 3 (the default)");
    }
    return reads;
  }

  private static Duration duration(TokenLedgerConfig cfg, Setting setting) {
    String v = cfg.value(setting).orElseThrow();
    try {
      return TimeConverters.parseDuration(v);
    } catch (CommandLine.TypeConversionException e) {
      throw new ConfigurationException(
          setting.variable() + "='" + v + "' is not a duration: write it as 30s, 10m, 2h or 1d");
    }
  }

  private CommandLine.ParameterException usageError(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
