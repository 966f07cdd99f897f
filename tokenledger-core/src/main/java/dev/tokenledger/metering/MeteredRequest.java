package dev.tokenledger.metering;

import dev.tokenledger.Require;
import dev.tokenledger.openai.UsageEndpoint;
import java.time.Instant;

/**
 * One request that went through the metering proxy, as the ledger keeps it. Never holds a key: the
 * key is known by its id, or until that is resolved by a salted fingerprint.
 *
 * @param runId the run the base path named, or {@code null} for an untagged request
 * @param stepIndex the step the base path named, or {@code null}
 * @param keyFingerprint the salted fingerprint of the bearer key ({@link KeyIdentifier}), or {@code
 *     null} when the request had none
 * @param apiKeyId the key's id ({@code key_…}) when already known, else {@code null}
 * @param method the HTTP method
 * @param path the path sent upstream, below the base URL and without the query ({@code
 *     /chat/completions})
 * @param endpoint the Usage API endpoint that files this request's usage, or {@code null} when none
 *     does (model lists, files, unknown paths)
 * @param model the model the response names (the request's when the response names none), or {@code
 *     null}
 * @param startedAt when the proxy received the request
 * @param finishedAt when the response's last byte went to the client (or the exchange ended)
 * @param httpStatus the status the client received
 * @param requestId the response's {@code x-request-id}, or {@code null}
 * @param streamed whether the response was an event stream
 * @param usageState what the response said about usage
 * @param usage the counters, present exactly when {@code usageState} is {@link UsageState#REPORTED}
 * @param note why usage is unknown or the exchange failed (no key, no body), or {@code null}
 */
public record MeteredRequest(
    String runId,
    Integer stepIndex,
    String keyFingerprint,
    String apiKeyId,
    String method,
    String path,
    UsageEndpoint endpoint,
    String model,
    Instant startedAt,
    Instant finishedAt,
    int httpStatus,
    String requestId,
    boolean streamed,
    UsageState usageState,
    MeteredUsage usage,
    String note) {

  public MeteredRequest {
    Require.nonNull("method path", method, path);
    Require.nonNull("startedAt finishedAt usageState", startedAt, finishedAt, usageState);
    if (finishedAt.isBefore(startedAt)) {
      throw new IllegalArgumentException(
          "finishedAt " + finishedAt + " is before startedAt " + startedAt);
    }
    if ((usage != null) != (usageState == UsageState.REPORTED)) {
      throw new IllegalArgumentException(
          "usage must be present exactly when usageState is reported, but state is "
              + usageState.label()
              + " and usage is "
              + (usage == null ? "absent" : "present"));
    }
    if (stepIndex != null && stepIndex < 1) {
      throw new IllegalArgumentException("stepIndex must be 1 or more but was " + stepIndex);
    }
    if (stepIndex != null && runId == null) {
      throw new IllegalArgumentException("a step index needs a run id");
    }
    if (httpStatus < 100 || httpStatus > 599) {
      throw new IllegalArgumentException("httpStatus must be 100..599 but was " + httpStatus);
    }
  }
}
