/**
 * tokenledger as a library: what a Java harness needs to account for the OpenAI tokens of its runs.
 *
 * <p><b>Open a ledger</b> (a SQLite file, or a shared PostgreSQL database) with {@link
 * dev.tokenledger.ledger.Ledger#open(dev.tokenledger.ledger.LedgerLocation)}, or {@link
 * dev.tokenledger.ledger.Ledger#builder(dev.tokenledger.ledger.LedgerLocation)} to inject a clock.
 * {@link dev.tokenledger.ledger.LedgerLocation#resolve} finds it as the command line does.
 *
 * <p><b>Record a run and its steps</b>: describe the run with a {@link
 * dev.tokenledger.ledger.RunSpec} (framework, experiment, label, the key's id or salted
 * fingerprint, never the key), start it with {@link
 * dev.tokenledger.ledger.Ledger#startRun(dev.tokenledger.ledger.RunSpec)}, and open one {@link
 * dev.tokenledger.ledger.Step} per step with {@link dev.tokenledger.ledger.Run#step(String)}. Both
 * are handles to close (try-with-resources); while open, the ledger heartbeats them, and a run
 * whose process dies reads as interrupted. A run that already happened is recorded at once with
 * {@link dev.tokenledger.ledger.Ledger#recordFinishedRun}.
 *
 * <pre>{@code
 * try (Ledger ledger = Ledger.open(LedgerLocation.resolve(null, Path.of(".")))) {
 *   try (Run run = ledger.startRun(RunSpec.builder("chatdev").experiment("e1").build())) {
 *     try (Step step = run.step("create entity")) {
 *       // run the framework for this step
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p><b>Read it back</b>: {@link dev.tokenledger.ledger.Ledger#run(String)}, {@link
 * dev.tokenledger.ledger.Ledger#steps(String)} and {@link
 * dev.tokenledger.ledger.Ledger#runs(dev.tokenledger.ledger.RunQuery)} give stored records ({@link
 * dev.tokenledger.ledger.RunRecord}, {@link dev.tokenledger.ledger.StepRecord}) with their status
 * as a reader sees it now. Once {@code tokenledger reconcile} has settled a run, its figures (run
 * and steps, exact or apportioned with bounds, and where they came from) are {@link
 * dev.tokenledger.ledger.Ledger#provenanceStore()}{@code .reconciliation(runId)}; the token counts
 * are {@link dev.tokenledger.TokenCounts}.
 *
 * <p>Three shapes of a run, each meaning one thing: a {@code RunSpec} is what to record, a {@code
 * Run} is a handle to write to, a {@code RunRecord} is what the ledger holds. Everything else in
 * {@code dev.tokenledger.*} serves tokenledger's own commands; {@code *.internal} packages are
 * implementation and may change at any time.
 */
package dev.tokenledger;
