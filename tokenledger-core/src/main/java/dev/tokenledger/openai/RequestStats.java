package dev.tokenledger.openai;

/**
 * What fetching a paged result cost: pages parsed, HTTP requests sent (retries included), and
 * result rows skipped because their {@code object} type is unknown.
 */
public record RequestStats(int pages, int httpRequests, long ignoredResults) {}
