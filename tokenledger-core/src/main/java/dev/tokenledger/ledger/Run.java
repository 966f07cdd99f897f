package dev.tokenledger.ledger;

import java.time.Instant;

/**
 * A run this process is recording, from {@link Ledger#startRun(RunSpec)}: open steps with {@link
 * #step(String)}, and close it (try-with-resources) to end it on the ledger's clock.
 *
 * <pre>{@code
 * try (Run run = ledger.startRun(RunSpec.builder("chatdev").experiment("e1").build())) {
 *   try (Step step = run.step("create entity")) {
 *     // call the framework
 *   }
 * }
 * }</pre>
 */
public final class Run extends OpenHandle {
  private final String id;

  Run(Ledger ledger, String id) {
    super(ledger);
    this.id = id;
  }

  /** The run's id in the ledger. */
  public String id() {
    return id;
  }

  /** The run as the ledger holds it now. */
  public RunRecord record() {
    return ledger.run(id);
  }

  /** Starts the next step, named {@code name}, now. */
  public Step step(String name) {
    return ledger.startStep(id, null, name);
  }

  /** Starts step {@code index}, named {@code name}, now. */
  public Step step(int index, String name) {
    return ledger.startStep(id, index, name);
  }

  @Override
  void end(Integer exitCode, Instant at) {
    ledger.endRun(id, exitCode, at);
  }
}
