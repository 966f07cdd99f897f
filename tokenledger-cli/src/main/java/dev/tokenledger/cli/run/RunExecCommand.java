package dev.tokenledger.cli.run;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.LedgerMixin;
import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.keys.FingerprintResolver;
import dev.tokenledger.metering.MeterPath;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.proxy.LedgerMeter;
import dev.tokenledger.recording.ExecRequest;
import dev.tokenledger.recording.MeterLauncher;
import dev.tokenledger.recording.RunExecutor;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tokenledger run exec}: runs a framework's command with its own key as one recorded step
 * and exits with the command's exit code.
 */
@Command(
    name = "exec",
    description = {
      "Run CMD with the framework's key (OPENAI_API_KEY_<FW>) as OPENAI_API_KEY, record it as a"
          + " step, and exit with its exit code.",
      "stdin, stdout and stderr are the command's own; Ctrl-C reaches it. A ledger problem is a"
          + " warning: the command runs and its exit code is returned.",
      "Without --run or --new-run, the step joins the run in TOKENLEDGER_RUN_ID, else a new run.",
      "  tokenledger run exec --framework chatdev --experiment e1 -- python run.py",
      "  tokenledger run exec --meter --framework chatdev -- python run.py   (exact per request)"
    },
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class RunExecCommand implements Callable<Integer> {
  @Mixin NewRunMixin newRun;

  @ArgGroup(exclusive = true)
  RunChoice runChoice;

  /** Which run the step goes to. */
  static final class RunChoice {
    @Option(names = "--run", paramLabel = "ID", description = "Add the step to this run.")
    String runId;

    @Option(names = "--new-run", description = "Record a new run that ends with the command.")
    boolean newRun;
  }

  @Option(names = "--step", paramLabel = "N", description = "The step's index. Default: the next.")
  Integer step;

  @Option(
      names = "--name",
      paramLabel = "S",
      description = "The step's name. Default: the program's name.")
  String name;

  @Option(
      names = "--fence",
      description =
          "Start only 2 s into a fresh UTC minute that began at least 2 s after every earlier"
              + " window of this key ended, so the step's figures are exact (waits up to 64 s).")
  boolean fence;

  @Option(
      names = "--meter",
      description =
          "Send the command's OpenAI requests through a metering proxy on a free loopback port"
              + " (OPENAI_BASE_URL points at it): every response's usage is recorded, so the run's"
              + " and each step's figures are exact at once; reconcile then audits them.")
  boolean meter;

  @Mixin CommandContext context;

  @Mixin LedgerMixin ledgerOptions;

  @Parameters(
      paramLabel = "CMD",
      arity = "1..*",
      description = "The command and its arguments, after --.")
  List<String> command;

  @Override
  public Integer call() {
    if (step != null && step < 1) {
      throw context.usageError("--step must be 1 or more, was " + step);
    }
    TokenLedgerConfig config = context.config();
    // A missing key stops here, before the command starts (exit 3).
    FrameworkKey key = config.frameworkKey(newRun.framework);
    PrintWriter err = context.err();
    if (meter) {
      refuseMeteredUpstream(config);
    }
    FingerprintResolver.recordingWarning(key, config.findUsageKey().isPresent())
        .ifPresent(context::warn);
    ExecRequest request =
        new ExecRequest(
            key.name(),
            key.key(),
            key.keyId().orElse(null),
            newRun.experiment,
            newRun.label,
            runId(),
            step,
            name,
            fence,
            command,
            childEnvironment(config),
            context.environment().workingDirectory(),
            meter ? config.baseUrl() : null);
    try (SignalForwarding signals = new SignalForwarding()) {
      RunExecutor executor =
          new RunExecutor(
              () -> context.openLedger(ledgerOptions),
              context.environment().clock(),
              context.environment().sleeper(),
              err,
              RunExecutor.Streams.INHERIT,
              signals::attach,
              meter ? meterLauncher(config, err) : null);
      return executor.execute(request);
    }
  }

  /**
   * An OPENAI_BASE_URL that is already a run's metered base URL (a harness shell after 'run start
   * --meter --format env') would meter every request twice, under two runs.
   */
  private static void refuseMeteredUpstream(TokenLedgerConfig config) {
    String path = config.baseUrl().getRawPath();
    boolean tagged = path != null && MeterPath.parse(path).map(p -> p.runId() != null).orElse(true);
    if (tagged) {
      throw new ConfigurationException(
          "OPENAI_BASE_URL is a metered base URL ("
              + config.baseUrl()
              + "): --meter would meter these requests twice. Drop --meter (that proxy already"
              + " meters them), or set OPENAI_BASE_URL back to the API's address");
    }
  }

  /** The proxy of --meter: key ids resolved through the usage key when there is one. */
  private MeterLauncher meterLauncher(TokenLedgerConfig config, PrintWriter err) {
    OpenAiAdminClient admin = context.adminClientIfConfigured();
    return LedgerMeter.launcher(
        admin,
        context.environment().workingDirectory(),
        context.environment().clock(),
        line -> {
          // the sink and the key identifier say what kind of line it is themselves
          err.println(line);
          err.flush();
        });
  }

  private String runId() {
    if (runChoice != null) {
      return runChoice.newRun ? null : runChoice.runId;
    }
    String fromEnvironment = context.environment().variables().get(RunCommand.RUN_ID_VARIABLE);
    return fromEnvironment == null || fromEnvironment.isBlank() ? null : fromEnvironment.strip();
  }

  /** The caller's variables, plus OPENAI_BASE_URL when only .env sets it. */
  private Map<String, String> childEnvironment(TokenLedgerConfig config) {
    Map<String, String> env = new HashMap<>(context.environment().variables());
    if (!env.containsKey("OPENAI_BASE_URL") && config.origin("OPENAI_BASE_URL").isPresent()) {
      env.put("OPENAI_BASE_URL", config.baseUrl().toString());
    }
    return env;
  }
}
