/**
 * Which API key id a framework key or a salted key fingerprint belongs to: by the organization's
 * key listing (matching the redacted value) or by the ledger's fingerprint mapping. Keys are never
 * stored, logged or printed here, only ids and fingerprints. It may import {@code config}, {@code
 * openai} and {@code ledger}; like all of core it never imports the CLI, simulator, proxy or bench
 * (CoreArchitectureTest: no package cycles).
 */
package dev.tokenledger.keys;
