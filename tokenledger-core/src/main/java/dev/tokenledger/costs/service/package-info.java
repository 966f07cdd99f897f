/**
 * What {@code tokenledger costs} does: fetches the Costs API's bill (or reads the bills a ledger
 * already holds), keeps each read in the ledger, and compares it with the estimate from usage and
 * prices, saying where every figure came from. It may import {@code costs}, {@code ledger}, {@code
 * pricing}, {@code openai}, {@code keys} and {@code config}; the {@code costs} values below it
 * never import it (CoreArchitectureTest: no package cycles).
 */
package dev.tokenledger.costs.service;
