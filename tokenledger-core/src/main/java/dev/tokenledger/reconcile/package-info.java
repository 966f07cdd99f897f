/**
 * Reconciliation (docs/design.md §5): the settle-until-stable state machine that turns a run's
 * history of Usage API reads into a status ({@code pending}, {@code settling}, {@code final},
 * {@code warning}, {@code error}). Pure functions: the reads and the current time are passed in.
 *
 * <p>Entry point: {@link dev.tokenledger.reconcile.RunSettler}.
 */
package dev.tokenledger.reconcile;
