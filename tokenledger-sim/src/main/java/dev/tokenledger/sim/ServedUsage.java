package dev.tokenledger.sim;

import dev.tokenledger.TokenCounts;
import java.time.Instant;

/**
 * Ground truth: what the model endpoints served (plus recorded batch usage) in one minute for one
 * key, model, service tier and batch flag, whether or not the Usage API shows it yet. Late
 * revisions made with {@link OpenAiSimulator#reviseLater} are not included: they were never served.
 *
 * @param endpoint {@link UsageEndpoint#COMPLETIONS} or {@link UsageEndpoint#EMBEDDINGS}
 * @param minute the start of the minute the requests finished in
 * @param apiKeyId the key's id
 * @param projectId the key's project
 * @param model the model snapshot served
 * @param serviceTier the tier served; null for embeddings
 * @param batch whether it was batch usage; null for embeddings
 * @param counts input (including cached), cached input, output (including reasoning), requests
 */
public record ServedUsage(
    UsageEndpoint endpoint,
    Instant minute,
    String apiKeyId,
    String projectId,
    String model,
    String serviceTier,
    Boolean batch,
    TokenCounts counts) {}
