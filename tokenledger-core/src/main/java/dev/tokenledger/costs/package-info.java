/**
 * Billed dollars from the Costs API beside the dollars estimated from the Usage API's tokens and
 * the price table, per key and day, with what may explain a difference.
 */
package dev.tokenledger.costs;
