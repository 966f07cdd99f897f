package dev.tokenledger.attribution;

import dev.tokenledger.TokenCounts;
import dev.tokenledger.figures.UsageLine;
import java.time.Instant;
import java.util.Objects;

/**
 * One result row of a one-minute usage bucket, as read with {@code bucket_width=1m} and {@code
 * group_by=api_key_id,model,project_id,service_tier,batch}; also the unit in which attribution
 * hands out shares, so per-model figures survive it.
 *
 * @param minute start of the UTC minute the usage was filed in
 * @param apiKeyId the key id ({@code key_…}) the usage was made with
 * @param model the model, or {@code null} when not grouped by model
 * @param serviceTier the service tier, or {@code null}
 * @param batch whether the usage came from the Batch API, or {@code null}
 * @param projectId the project id, or {@code null}
 * @param counts the four counters
 */
public record UsageRow(
    Instant minute,
    String apiKeyId,
    String model,
    String serviceTier,
    Boolean batch,
    String projectId,
    TokenCounts counts) {

  public UsageRow {
    Objects.requireNonNull(minute, "minute");
    Objects.requireNonNull(counts, "counts");
    if (!Minutes.isWholeMinute(minute)) {
      throw new IllegalArgumentException(
          "usage row minute must be the start of a UTC minute (query with bucket_width=1m), got "
              + minute);
    }
    if (apiKeyId == null || apiKeyId.isBlank()) {
      throw new IllegalArgumentException(
          "usage row apiKeyId must not be blank: query with group_by=api_key_id to attribute usage");
    }
  }

  /** A row of {@code line}'s dimensions. */
  public static UsageRow of(Instant minute, String apiKeyId, UsageLine line, TokenCounts counts) {
    return new UsageRow(
        minute, apiKeyId, line.model(), line.serviceTier(), line.batch(), line.projectId(), counts);
  }

  /** The dimensions cost depends on. */
  public UsageLine line() {
    return new UsageLine(model, serviceTier, batch, projectId);
  }

  /** The same minute, key and dimensions with other counters. */
  public UsageRow withCounts(TokenCounts newCounts) {
    return new UsageRow(minute, apiKeyId, model, serviceTier, batch, projectId, newCounts);
  }
}
