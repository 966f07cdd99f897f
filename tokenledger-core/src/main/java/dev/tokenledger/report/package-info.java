/**
 * The read side of {@code tokenledger report}: each run's reconciled figures from the ledger,
 * priced now with one price table, grouped into rows, drawn as charts and exported into
 * genai-devbench's files. It may import {@code ledger}, {@code figures}, {@code pricing}, {@code
 * reconcile} and {@code recording}; nothing below it imports it, and like all of core it never
 * imports the CLI, simulator, proxy or bench (CoreArchitectureTest: no package cycles).
 */
package dev.tokenledger.report;
