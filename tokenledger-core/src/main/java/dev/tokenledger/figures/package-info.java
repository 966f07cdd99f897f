/**
 * The figures model: the values one usage figure is made of on its whole way from a Usage API page
 * to a report line (docs/architecture.md, "The walk of one bucket"). Attribution and metering
 * produce them, the ledger stores them, reconcile settles them, report and export read them, all in
 * these shapes and with no conversion between.
 *
 * <ul>
 *   <li>{@link dev.tokenledger.figures.StepIndex}: which step (or none: the run, or {@code
 *       OUTSIDE}: usage in no step);
 *   <li>{@link dev.tokenledger.figures.Endpoint}: which usage endpoint;
 *   <li>{@link dev.tokenledger.figures.UsageLine}: model, service tier, batch flag, project;
 *   <li>{@link dev.tokenledger.figures.Figure} and {@link dev.tokenledger.figures.LineFigure}: a
 *       run's or step's total with bounds, and its share of one line;
 *   <li>{@link dev.tokenledger.figures.SharedMinute}: a minute split with other runs or steps;
 *   <li>{@link dev.tokenledger.figures.Exactness}: whether a figure's minutes were its own or
 *       shared and split;
 *   <li>{@link dev.tokenledger.figures.Basis} and {@link dev.tokenledger.figures.ReconcileStatus}:
 *       how a figure shown was obtained (Usage API, exact or apportioned, or metered) and how
 *       settled it is.
 * </ul>
 *
 * <p>Pure values: this package imports nothing of tokenledger but {@link
 * dev.tokenledger.TokenCounts}.
 */
package dev.tokenledger.figures;
