package dev.tokenledger.recording;

import dev.tokenledger.attribution.MinuteFence;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.ledger.KeyActivity;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.Run;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.Step;
import dev.tokenledger.openai.Sleeper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a framework's command as one recorded step ({@code tokenledger run exec}): the framework key
 * goes to the child as {@code OPENAI_API_KEY}, its standard streams are the caller's own, and the
 * child's exit code is returned whatever happens to the ledger. A ledger that cannot be opened or
 * written costs a warning on stderr, never the experiment.
 */
public final class RunExecutor {
  /** Exit code when the command cannot be started (as a shell reports a missing command). */
  public static final int CANNOT_START = 127;

  /** Where the child's standard streams go: the caller's own, or files and pipes in tests. */
  public record Streams(
      ProcessBuilder.Redirect stdin,
      ProcessBuilder.Redirect stdout,
      ProcessBuilder.Redirect stderr) {

    /** The caller's own stdin, stdout and stderr, byte for byte. */
    public static final Streams INHERIT =
        new Streams(
            ProcessBuilder.Redirect.INHERIT,
            ProcessBuilder.Redirect.INHERIT,
            ProcessBuilder.Redirect.INHERIT);
  }

  private final Supplier<Ledger> ledgerOpener;
  private final Clock clock;
  private final Sleeper sleeper;
  private final PrintWriter err;
  private final Streams streams;
  private final Consumer<Process> onStart;
  private final MeterLauncher meterLauncher;

  /**
   * @param ledgerOpener opens the ledger; if it throws, the command runs unrecorded
   * @param sleeper waits for minute fences (tests move {@code clock} instead)
   * @param err where warnings and fencing notes go
   * @param onStart told about the child once it runs (to forward signals to it)
   * @param meterLauncher starts the proxy a metered command's requests go through ({@code run exec
   *     --meter}); null when the command is not metered
   */
  public RunExecutor(
      Supplier<Ledger> ledgerOpener,
      Clock clock,
      Sleeper sleeper,
      PrintWriter err,
      Streams streams,
      Consumer<Process> onStart,
      MeterLauncher meterLauncher) {
    this.meterLauncher = meterLauncher;
    this.ledgerOpener = Objects.requireNonNull(ledgerOpener, "ledgerOpener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.err = Objects.requireNonNull(err, "err");
    this.streams = Objects.requireNonNull(streams, "streams");
    this.onStart = Objects.requireNonNull(onStart, "onStart");
  }

  /** Runs {@code request}'s command and returns its exit code (128 + signal when killed). */
  public int execute(ExecRequest request) {
    Ledger ledger = openLedger();
    try {
      if (request.fence()) {
        fence(ledger, request);
      }
      Run run = null;
      Step step = null;
      if (ledger != null) {
        try {
          String runId = request.runId();
          if (runId == null) {
            run = ledger.startRun(spec(request, ledger));
            runId = run.id();
          }
          step = ledger.startStep(runId, request.stepIndex(), stepName(request));
        } catch (RuntimeException e) {
          warn("could not record the start of this step (" + e.getMessage() + ")");
          closeQuietly(run, null);
          run = null;
        }
      }
      MeterLauncher.Meter meter = request.metered() ? startMeter(ledger, request, step) : null;
      int exitCode;
      try {
        exitCode = runChild(request, step, meter);
      } finally {
        closeMeter(meter);
      }
      closeQuietly(step, exitCode);
      closeQuietly(run, exitCode);
      return exitCode;
    } finally {
      if (ledger != null) {
        try {
          ledger.close();
        } catch (RuntimeException e) {
          warn("could not close the ledger (" + e.getMessage() + ")");
        }
      }
    }
  }

  /**
   * Starts the metering proxy for {@code step} and marks its run metered; {@code null} (with a
   * warning) when that cannot be done, and the command then runs unmetered.
   */
  private MeterLauncher.Meter startMeter(Ledger ledger, ExecRequest request, Step step) {
    if (meterLauncher == null) {
      throw new IllegalStateException("a metered request needs an executor with a MeterLauncher");
    }
    if (step == null) {
      warn(
          "cannot meter a step the ledger did not record; the command's requests go straight to"
              + " the API");
      return null;
    }
    String runId = step.runId();
    try {
      // marked before the first request can arrive
      ledger.meterStore().markMetered(runId);
    } catch (RuntimeException e) {
      warn(
          "could not mark run "
              + runId
              + " metered ("
              + e.getMessage()
              + "); the command's requests go straight to the API");
      return null;
    }
    try {
      return meterLauncher.start(
          ledger, request.meterUpstream(), reason -> meterFailed(ledger, runId, reason));
    } catch (RuntimeException e) {
      meterFailed(
          ledger,
          runId,
          "the metering proxy could not start ("
              + e.getMessage()
              + "), so the command's requests go straight to the API");
      return null;
    }
  }

  private void meterFailed(Ledger ledger, String runId, String reason) {
    try {
      ledger.meterStore().markMeterFailed(runId, reason);
      warn(
          reason
              + "; run "
              + runId
              + " is marked meter_failed: its figures will come from the Usage API alone");
    } catch (RuntimeException e) {
      warn(
          reason
              + "; and run "
              + runId
              + " could not be marked meter_failed ("
              + e.getMessage()
              + ")");
    }
  }

  private void closeMeter(MeterLauncher.Meter meter) {
    if (meter == null) {
      return;
    }
    try {
      meter.close();
    } catch (RuntimeException e) {
      warn("could not close the metering proxy (" + e.getMessage() + ")");
    }
  }

  private Ledger openLedger() {
    try {
      return ledgerOpener.get();
    } catch (RuntimeException e) {
      warn("the ledger is not available (" + e.getMessage() + "); the command runs unrecorded");
      return null;
    }
  }

  private void fence(Ledger ledger, ExecRequest request) {
    if (ledger == null) {
      warn("cannot fence without the ledger; starting at once");
      return;
    }
    KeyActivity activity;
    try {
      activity = ledger.keyActivity(ledger.keyFingerprint(request.key()), request.apiKeyId());
    } catch (RuntimeException e) {
      warn("cannot read the key's earlier windows (" + e.getMessage() + "); starting at once");
      return;
    }
    List<String> others =
        activity.recordingRunIds().stream().filter(id -> !id.equals(request.runId())).toList();
    if (!others.isEmpty()) {
      warn(
          "runs "
              + others
              + " are recording with the same key; fencing cannot separate windows that overlap");
    }
    Instant now = clock.instant();
    Instant start = MinuteFence.earliestStart(activity.lastWindowEnd(), now);
    if (!start.isAfter(now)) {
      return;
    }
    long seconds = Duration.between(now, start).toSeconds();
    err.println(
        "tokenledger: fencing: waiting "
            + seconds
            + " s until "
            + start
            + " so this step starts in a fresh minute of key "
            + request.key().redacted());
    err.flush();
    try {
      sleeper.sleep(Duration.between(now, start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private int runChild(ExecRequest request, Step step, MeterLauncher.Meter meter) {
    ProcessBuilder pb = new ProcessBuilder(request.command());
    pb.directory(request.workingDirectory().toFile());
    pb.redirectInput(streams.stdin())
        .redirectOutput(streams.stdout())
        .redirectError(streams.stderr());
    Map<String, String> env = pb.environment();
    env.clear();
    env.putAll(childEnvironment(request, step, meter));
    Process child;
    try {
      child = pb.start();
    } catch (IOException e) {
      err.println(
          "tokenledger: error: cannot run '" + request.command().get(0) + "': " + e.getMessage());
      err.flush();
      return CANNOT_START;
    }
    onStart.accept(child);
    boolean interrupted = false;
    while (true) {
      try {
        int code = child.waitFor();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        return code;
      } catch (InterruptedException e) {
        // Our caller is being stopped: stop the child too, then report how it ended.
        interrupted = true;
        child.destroy();
      }
    }
  }

  static Map<String, String> childEnvironment(
      ExecRequest request, Step step, MeterLauncher.Meter meter) {
    Map<String, String> env = new HashMap<>(request.environment());
    env.keySet()
        .removeIf(
            name ->
                TokenLedgerConfig.USAGE_KEY_VARIABLES.contains(name)
                    || (name.startsWith("OPENAI_API_KEY_") && !name.endsWith("_ID")));
    env.put("OPENAI_API_KEY", request.key().revealForChildProcess());
    if (step != null) {
      env.put("TOKENLEDGER_RUN_ID", step.runId());
      env.put("TOKENLEDGER_STEP", String.valueOf(step.index()));
    }
    if (meter != null && step != null) {
      // every OpenAI SDK appends its paths to OPENAI_BASE_URL; older libraries read OPENAI_API_BASE
      String base = meter.baseUrl(step.runId(), step.index()).toString();
      env.put("OPENAI_BASE_URL", base);
      env.put("OPENAI_API_BASE", base);
    }
    return env;
  }

  private static RunSpec spec(ExecRequest request, Ledger ledger) {
    return RunSpec.builder(request.framework())
        .experiment(request.experiment())
        .label(request.label())
        .keyFingerprint(ledger.keyFingerprint(request.key()))
        .apiKeyId(request.apiKeyId())
        .source(RunSpec.SOURCE_EXEC)
        .build();
  }

  private static String stepName(ExecRequest request) {
    if (request.stepName() != null) {
      return request.stepName();
    }
    Path program = Path.of(request.command().get(0)).getFileName();
    return program == null ? request.command().get(0) : program.toString();
  }

  private void closeQuietly(AutoCloseable handle, Integer exitCode) {
    if (handle == null) {
      return;
    }
    try {
      if (exitCode != null && handle instanceof Step s) {
        s.exitCode(exitCode);
      } else if (exitCode != null && handle instanceof Run r) {
        r.exitCode(exitCode);
      }
      handle.close();
    } catch (Exception e) {
      warn(
          "could not record the end of this "
              + (handle instanceof Run ? "run" : "step")
              + " ("
              + e.getMessage()
              + ")");
    }
  }

  private void warn(String message) {
    err.println("tokenledger: warning: " + message);
    err.flush();
  }
}
