/**
 * The ledger's implementation behind {@link dev.tokenledger.ledger.Ledger}: the one JDBC helper
 * ({@link dev.tokenledger.ledger.internal.Sql}), every statement on runs and steps with their row
 * mapping ({@link dev.tokenledger.ledger.internal.RunTable}), their writes and reads ({@link
 * dev.tokenledger.ledger.internal.Runs}), heartbeats and liveness, each once. Not an API: it may
 * change at any time.
 */
package dev.tokenledger.ledger.internal;
