/**
 * Exact metering (DESIGN §4.5, docs/metering.md): what a pass-through proxy in front of the OpenAI
 * API records for every request, and how requests are tagged with their run and step. Plain values
 * and interfaces only: no HTTP server here (the proxy lives in the {@code tokenledger-proxy}
 * module) and no SQL (the ledger stores what a {@link dev.tokenledger.metering.MeterSink} is
 * given).
 *
 * <p>Entry points: {@link dev.tokenledger.metering.MeteredRequest} (one request, as recorded),
 * {@link dev.tokenledger.metering.MeterPath} (the {@code /r/<run>/s/<step>/v1} base path), {@link
 * dev.tokenledger.metering.MeterSink} and {@link dev.tokenledger.metering.KeyIdentifier} (what a
 * proxy is given), {@link dev.tokenledger.metering.UsageExtractor} (usage out of a response).
 */
package dev.tokenledger.metering;
