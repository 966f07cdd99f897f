/**
 * The ledger (docs/design.md §7): runs and steps in, records and reconciled figures out, over
 * SQLite or a shared PostgreSQL database. {@link dev.tokenledger.ledger.Ledger} is the facade a
 * harness opens; the stores beside it ({@code SettlementStore}, {@code ProvenanceStore}, {@code
 * MeterStore}, {@code UsageStore}, {@code CostsStore}, ...) each keep one concern, and {@code
 * ledger.internal} holds the SQL they share. It may import {@code figures}, {@code metering},
 * {@code attribution}, {@code pricing}, {@code costs}, {@code config} and {@code openai} values
 * (what was read is stored here); the OpenAI client never imports it, nor do {@code pricing} and
 * {@code attribution}, which stay pure (CoreArchitectureTest).
 */
package dev.tokenledger.ledger;
