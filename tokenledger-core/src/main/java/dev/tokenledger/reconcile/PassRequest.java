package dev.tokenledger.reconcile;

import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.UsageEndpoint;
import java.util.List;
import java.util.Objects;

/**
 * What one reconcile pass looks at: the runs named by id (any status), or else every run not yet
 * final of the experiment and framework (either may be null); which usage endpoints to read; and
 * whether to read final runs again ({@code force}).
 */
public record PassRequest(
    List<String> runIds,
    String experiment,
    String framework,
    List<UsageEndpoint> endpoints,
    boolean force) {

  /** Completions (Responses API traffic included) and embeddings. */
  public static final List<UsageEndpoint> DEFAULT_ENDPOINTS =
      List.of(UsageEndpoint.COMPLETIONS, UsageEndpoint.EMBEDDINGS);

  public PassRequest {
    runIds = List.copyOf(Objects.requireNonNull(runIds, "runIds"));
    endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException(
          "name at least one usage endpoint to read, e.g. completions,embeddings");
    }
    if (endpoints.stream().distinct().count() != endpoints.size()) {
      throw new IllegalArgumentException("usage endpoints " + endpoints + " name one twice");
    }
    for (UsageEndpoint e : endpoints) {
      if (!e.groupByValues().contains(Dimension.API_KEY_ID)) {
        throw new IllegalArgumentException(
            "usage endpoint "
                + e.wireName()
                + " does not report api_key_id, so its usage cannot be attributed to runs;"
                + " use completions, embeddings, moderations, images, audio_speeches,"
                + " audio_transcriptions, file_search_calls or web_search_calls");
      }
    }
  }

  /** Every run not yet final, on the default endpoints. */
  public static PassRequest notFinal() {
    return new PassRequest(List.of(), null, null, DEFAULT_ENDPOINTS, false);
  }

  /** The same request for only the runs {@code ids}. */
  public PassRequest withRunIds(List<String> ids) {
    return new PassRequest(ids, experiment, framework, endpoints, force);
  }

  /** The same request with {@code value} for {@code force}. */
  public PassRequest withForce(boolean value) {
    return new PassRequest(runIds, experiment, framework, endpoints, value);
  }

  /** The same request reading {@code value}. */
  public PassRequest withEndpoints(List<UsageEndpoint> value) {
    return new PassRequest(runIds, experiment, framework, value, force);
  }
}
