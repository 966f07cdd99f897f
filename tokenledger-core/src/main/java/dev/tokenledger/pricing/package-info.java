/**
 * Prices token counts with a LiteLLM price table: the table and its version, the price of each
 * model and tier, costs with their flags, and checks of a table. Pure arithmetic over values built
 * from bytes already read: it imports nothing of the ledger and reads no files, resources or
 * network ({@code config.PriceFiles} reads price files, the ledger stores price tables), as
 * CoreArchitectureTest enforces.
 */
package dev.tokenledger.pricing;
