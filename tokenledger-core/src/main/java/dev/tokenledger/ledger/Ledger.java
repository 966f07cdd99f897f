package dev.tokenledger.ledger;

import dev.tokenledger.config.ApiKey;
import dev.tokenledger.ledger.internal.Heartbeats;
import dev.tokenledger.ledger.internal.Liveness;
import dev.tokenledger.ledger.internal.Runs;
import dev.tokenledger.ledger.internal.Sql;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The ledger: runs and steps in, records out, over SQLite or PostgreSQL (docs/design.md §7). Every
 * logical write is one transaction. Harnesses use {@link #startRun(RunSpec)} and {@link
 * Run#step(String)}; commands that outlive no process use {@link #beginRun}, {@link #beginStep},
 * {@link #endStep} and {@link #endRun}.
 *
 * <p>A run or step left open by a process that died is shown as {@link
 * RecordingStatus#INTERRUPTED}, ending at the last time it was seen: a reader on the writer's host
 * checks that the writer process is alive; elsewhere a writer that heartbeats is taken as dead when
 * its heartbeat is older than {@code staleAfter}.
 */
public final class Ledger implements AutoCloseable {
  private final Database db;
  private final Clock clock;
  private final Liveness seen;
  private final Runs runs;
  private final Heartbeats heartbeats;
  private String keySalt;

  private Ledger(Builder b, Database db) {
    this.db = db;
    this.clock = b.clock;
    Sql.Transactions tx =
        new Sql.Transactions() {
          @Override
          public <T> T inTransaction(String what, Sql.Work<T> work) {
            return db.inTransaction(what, work::apply);
          }

          @Override
          public <T> T read(String what, Sql.Work<T> work) {
            return db.read(what, work::apply);
          }
        };
    this.seen = new Liveness(b.liveness::isAlive, b.localHost, b.staleAfter);
    this.runs =
        new Runs(
            tx,
            clock,
            seen,
            db.dialect().forUpdate,
            db.location().displayName(),
            Database::isUniqueViolation);
    this.heartbeats = new Heartbeats(tx, clock, b.heartbeatInterval, b.warnings);
  }

  /**
   * Starts, in the background, what opening a SQLite ledger spends most on: for a command that will
   * open one, called before it parses its arguments.
   */
  public static void prepareToOpen() {
    Database.prepareDriver();
  }

  /** Opens (and creates or migrates) the ledger at {@code location} with the default settings. */
  public static Ledger open(LedgerLocation location) {
    return builder(location).open();
  }

  /** A builder for a ledger at {@code location}. */
  public static Builder builder(LedgerLocation location) {
    return new Builder(location);
  }

  /** Where this ledger lives. */
  public LedgerLocation location() {
    return db.location();
  }

  /** The clock every instant this ledger records comes from. */
  public Clock clock() {
    return clock;
  }

  /** Claims on runs, so two reconcilers never work on one run at once. */
  public ClaimStore claimStore() {
    return new ClaimStore(db, clock, seen);
  }

  /** Usage reads with their rows, and locally recorded responses. */
  public UsageStore usageStore() {
    return new UsageStore(db, clock);
  }

  /** What a reconcile pass reads and stores: runs to settle, attempts and their figures. */
  public SettlementStore settlementStore() {
    return new SettlementStore(runs, db, clock);
  }

  /** Where a run's figures came from: attempts, figures, reads, shared minutes and lines. */
  public ProvenanceStore provenanceStore() {
    return new ProvenanceStore(db);
  }

  /** What exact metering stores in this ledger: metered requests, key ids, metering of runs. */
  public MeterStore meterStore() {
    return new MeterStore(db, clock);
  }

  /**
   * {@code key}'s salted fingerprint in this ledger (HMAC-SHA256 under the ledger's key salt): what
   * runs and metered requests store instead of the key.
   */
  public String keyFingerprint(ApiKey key) {
    return Objects.requireNonNull(key, "key").fingerprint(keySalt());
  }

  /** This ledger's key salt, read (or made) once per ledger handle. */
  public synchronized String keySalt() {
    if (keySalt == null) {
      keySalt = meterStore().keySalt();
    }
    return keySalt;
  }

  /** What {@code tokenledger costs} stores in this ledger: its reads and their rows. */
  public CostsStore costsStore() {
    return new CostsStore(db);
  }

  /** Every model name this ledger has seen, by name, with how much of it it holds. */
  public List<SeenModel> modelsSeen() {
    return SeenModels.read(db);
  }

  /** The price tables this ledger's figures were priced with. */
  public PriceTableStore priceTables() {
    return new PriceTableStore(db, clock);
  }

  // ---------------------------------------------------------------- Java API for harnesses

  /**
   * Starts a run owned by this process, now (or at {@code spec.startedAt()}); close the returned
   * handle to end it. While it is open the ledger heartbeats it.
   */
  public Run startRun(RunSpec spec) {
    RunRecord record = beginRun(spec, ProcessIdentity.current());
    Run run = new Run(this, record.id());
    heartbeats.register(run, runs.runBeat(record.id()));
    return run;
  }

  /**
   * Starts step {@code index} (null: the next one) named {@code name} of the existing run {@code
   * runId}, owned by this process; close the returned handle to end it.
   */
  public Step startStep(String runId, Integer index, String name) {
    StepRecord record = beginStep(runId, index, name, ProcessIdentity.current(), null);
    Step step = new Step(this, runId, record.index());
    heartbeats.register(step, runs.stepBeat(runId, record.index()));
    return step;
  }

  // ---------------------------------------------------------------- records in

  /**
   * Records a new run owned by {@code writer}, started at {@code spec.startedAt()} or now, and
   * returns it.
   */
  public RunRecord beginRun(RunSpec spec, ProcessIdentity writer) {
    return runs.beginRun(spec, writer);
  }

  /**
   * Records the start of step {@code index} (null: one more than the highest so far) of run {@code
   * runId}, at {@code at} (null: now), owned by {@code writer}.
   */
  public StepRecord beginStep(
      String runId, Integer index, String name, ProcessIdentity writer, Instant at) {
    return runs.beginStep(runId, index, name, writer, at);
  }

  /** Records the end of step {@code index} of run {@code runId} at {@code at} (null: now). */
  public StepRecord endStep(String runId, int index, Integer exitCode, Instant at) {
    return runs.endStep(runId, index, exitCode, at);
  }

  /**
   * Ends run {@code runId} and any step still open in it, at {@code at}; with {@code at} null, now,
   * or, when its writer is gone, at the last time it was seen. A run whose writer is gone, closed
   * with neither {@code at} nor {@code exitCode}, stays {@code interrupted}; given either, it is
   * {@code ended}: whoever gives them knows how it ended. A run closed as interrupted can be ended
   * again that way, so a harness can still give its real end and exit code. A step whose writer is
   * gone is closed as interrupted at its own last sign of life.
   *
   * @param exitCode the run's exit code; null keeps the one recorded, if any
   * @throws IllegalArgumentException when {@code at} is before the run started
   * @throws LedgerException when the run has already ended (not as interrupted)
   */
  public RunRecord endRun(String runId, Integer exitCode, Instant at) {
    return runs.endRun(runId, exitCode, at);
  }

  /**
   * Records a run that already happened (an import) with its steps, in one transaction. When a run
   * with the same source and external id exists, only the steps it lacks are added, its end if it
   * had none, and its key id if it had none (so that a run imported before its framework's key id
   * was known can be reconciled): recording the same run twice adds nothing.
   */
  public ImportOutcome recordFinishedRun(RunSpec spec, List<StepSpec> steps) {
    return runs.recordFinishedRun(spec, steps);
  }

  // ---------------------------------------------------------------- records out

  /** The run {@code runId}, if the ledger has it. */
  public Optional<RunRecord> findRun(String runId) {
    return runs.findRun(runId);
  }

  /** The run {@code runId}; a {@link LedgerException} naming it when there is none. */
  public RunRecord run(String runId) {
    return findRun(runId)
        .orElseThrow(() -> LedgerException.noSuchRun(runId, db.location().displayName()));
  }

  /** The steps of run {@code runId}, by index. */
  public List<StepRecord> steps(String runId) {
    return runs.steps(runId);
  }

  /** The runs {@code query} selects, oldest first (the latest {@code limit} of them). */
  public List<RunRecord> runs(RunQuery query) {
    return runs.runs(query);
  }

  /**
   * The latest end of a window of the framework key with {@code keyFingerprint} or {@code apiKeyId}
   * (either may be null), and its runs still recording: what minute fencing waits on.
   */
  public KeyActivity keyActivity(String keyFingerprint, String apiKeyId) {
    return runs.keyActivity(keyFingerprint, apiKeyId);
  }

  // ---------------------------------------------------------------- heartbeats

  void unregister(Object handle) {
    heartbeats.unregister(handle);
  }

  /** Writes one heartbeat for every run and step this process holds open. */
  void heartbeatNow() {
    heartbeats.beatNow();
  }

  @Override
  public void close() {
    heartbeats.close();
    db.close();
  }

  /** Settings of a {@link Ledger}; every one has a default. */
  public static final class Builder {
    private final LedgerLocation location;
    private Clock clock = Clock.systemUTC();
    private Duration heartbeatInterval = Duration.ofSeconds(30);
    private Duration staleAfter = Duration.ofMinutes(3);
    private Consumer<String> warnings = System.err::println;
    private LivenessProbe liveness = LivenessProbe.system();
    private String localHost = ProcessIdentity.localHost();
    private MeterSpill meterSpill;

    private Builder(LedgerLocation location) {
      this.location = Objects.requireNonNull(location, "location");
    }

    /** Where every recorded instant comes from (default: the UTC system clock). */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * How often open runs and steps of this process are marked alive (default 30 s; zero: never).
     */
    public Builder heartbeatInterval(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("heartbeatInterval cannot be negative");
      }
      this.heartbeatInterval = value;
      return this;
    }

    /**
     * How old a heartbeat of a writer on another host may be before its run shows as interrupted
     * (default 3 min).
     */
    public Builder staleAfter(Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("staleAfter must be positive");
      }
      this.staleAfter = value;
      return this;
    }

    /** Where warnings that must not stop the caller go (default: stderr). */
    public Builder warnings(Consumer<String> value) {
      this.warnings = Objects.requireNonNull(value, "warnings");
      return this;
    }

    Builder liveness(LivenessProbe value) {
      this.liveness = Objects.requireNonNull(value, "liveness");
      return this;
    }

    /** The host this reader is on (tests play a reader on another machine). */
    Builder localHost(String value) {
      this.localHost = Objects.requireNonNull(value, "localHost");
      return this;
    }

    /**
     * The spill file of metered requests that could not be written: replayed into the ledger when
     * it opens (default: none).
     */
    public Builder meterSpill(MeterSpill value) {
      this.meterSpill = Objects.requireNonNull(value, "meterSpill");
      return this;
    }

    /**
     * Opens the ledger, creating the file and migrating the schema as needed, and replays the meter
     * spill file if one is set and holds records (a failed replay is a warning: the file stays).
     */
    public Ledger open() {
      Ledger ledger = new Ledger(this, Database.open(location));
      if (meterSpill != null && meterSpill.isPending()) {
        try {
          MeterSpill.Replay replay = meterSpill.replayInto(ledger.meterStore());
          if (replay.unreadableLines() > 0) {
            warnings.accept(
                "tokenledger: warning: "
                    + replay.unreadableLines()
                    + " unreadable lines of "
                    + meterSpill.file()
                    + " were dropped (a write cut short)");
          }
        } catch (IOException | RuntimeException e) {
          warnings.accept(
              "tokenledger: warning: the metered requests spilled to "
                  + meterSpill.file()
                  + " could not be replayed yet ("
                  + e.getMessage()
                  + "); they stay there for the next time");
        }
      }
      return ledger;
    }
  }
}
