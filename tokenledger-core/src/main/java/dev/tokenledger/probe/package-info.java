/**
 * What {@code tokenledger usage} asks the Usage API: how many tokens a window holds, grouped as
 * asked, and what they cost, every token priced at its own model's rate. It reads through {@code
 * openai} and prices with {@code pricing}; it stores nothing, so it never imports the ledger, and
 * like all of core it never imports the CLI, simulator, proxy or bench (CoreArchitectureTest).
 */
package dev.tokenledger.probe;
