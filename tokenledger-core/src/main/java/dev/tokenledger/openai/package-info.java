/**
 * The client for OpenAI's organization Usage, Costs and Projects APIs: queries that validate
 * themselves, tolerant page parsing, lazy paging, retries and typed errors.
 */
package dev.tokenledger.openai;
