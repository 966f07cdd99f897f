package dev.tokenledger.openai;

import static dev.tokenledger.openai.Dimension.API_KEY_ID;
import static dev.tokenledger.openai.Dimension.CONTEXT_LEVEL;
import static dev.tokenledger.openai.Dimension.MODEL;
import static dev.tokenledger.openai.Dimension.PROJECT_ID;
import static dev.tokenledger.openai.Dimension.SERVICE_TIER;
import static dev.tokenledger.openai.Dimension.SIZE;
import static dev.tokenledger.openai.Dimension.SOURCE;
import static dev.tokenledger.openai.Dimension.USER_ID;
import static dev.tokenledger.openai.Dimension.VECTOR_STORE_ID;

import dev.tokenledger.figures.Endpoint;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The ten {@code /organization/usage/*} endpoints, with the result {@code object} each returns and
 * the {@code group_by} values and filters each accepts (API-NOTES §2, §3.2).
 */
public enum UsageEndpoint {
  COMPLETIONS("completions", "completions", keyed(MODEL, Dimension.BATCH, SERVICE_TIER)),
  EMBEDDINGS("embeddings", "embeddings", keyed(MODEL)),
  MODERATIONS("moderations", "moderations", keyed(MODEL)),
  IMAGES("images", "images", keyed(MODEL, SIZE, SOURCE)),
  AUDIO_SPEECHES("audio_speeches", "audio_speeches", keyed(MODEL)),
  AUDIO_TRANSCRIPTIONS("audio_transcriptions", "audio_transcriptions", keyed(MODEL)),
  VECTOR_STORES("vector_stores", "vector_stores", EnumSet.of(PROJECT_ID)),
  CODE_INTERPRETER_SESSIONS(
      "code_interpreter_sessions", "code_interpreter_sessions", EnumSet.of(PROJECT_ID)),
  FILE_SEARCH_CALLS("file_search_calls", "file_searches", keyed(VECTOR_STORE_ID)),
  WEB_SEARCH_CALLS("web_search_calls", "web_searches", keyed(MODEL, CONTEXT_LEVEL));

  private final String name;
  private final String resultObject;
  private final Set<Dimension> groupBy;
  private final Set<UsageFilter> filters;

  /**
   * @param result the middle of the result {@code object}: {@code organization.usage.RESULT.result}
   */
  UsageEndpoint(String name, String result, Set<Dimension> groupBy) {
    this.name = name;
    this.resultObject = "organization.usage." + result + ".result";
    this.groupBy = Collections.unmodifiableSet(groupBy);
    Set<UsageFilter> filters = EnumSet.noneOf(UsageFilter.class);
    for (UsageFilter f : UsageFilter.values()) {
      if (groupBy.contains(f.dimension())) {
        filters.add(f);
      }
    }
    this.filters = Collections.unmodifiableSet(filters);
  }

  /** Project, user and API key, which every endpoint with per-request rows groups by, and more. */
  private static Set<Dimension> keyed(Dimension... more) {
    Set<Dimension> dims = EnumSet.of(PROJECT_ID, USER_ID, API_KEY_ID);
    dims.addAll(List.of(more));
    return dims;
  }

  /** The last path segment, e.g. {@code file_search_calls}; also the CLI's name for it. */
  public String wireName() {
    return name;
  }

  /** The endpoint as figures name it: the one a figure read from here carries. */
  public Endpoint endpoint() {
    return Endpoint.valueOf(name());
  }

  /** The path relative to the base URL, e.g. {@code /organization/usage/completions}. */
  public String path() {
    return "/organization/usage/" + name;
  }

  /**
   * The {@code object} of this endpoint's results, e.g. {@code
   * organization.usage.file_searches.result}.
   */
  public String resultObject() {
    return resultObject;
  }

  /** The {@code group_by} values this endpoint accepts. */
  public Set<Dimension> groupByValues() {
    return groupBy;
  }

  /** The filters this endpoint accepts ({@code project_ids} everywhere, others per endpoint). */
  public Set<UsageFilter> filters() {
    return filters;
  }

  /** Whether this endpoint's results count tokens (completions, embeddings, moderations). */
  public boolean countsTokens() {
    return this == COMPLETIONS || this == EMBEDDINGS || this == MODERATIONS;
  }

  /**
   * The endpoint whose {@link #wireName()} is {@code name} (case-insensitive, {@code -} for {@code
   * _}).
   */
  public static UsageEndpoint fromWireName(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    for (UsageEndpoint e : values()) {
      if (e.name.equals(n)) {
        return e;
      }
    }
    StringBuilder known = new StringBuilder();
    for (UsageEndpoint e : values()) {
      known.append(known.length() == 0 ? "" : ", ").append(e.name);
    }
    throw new IllegalArgumentException(
        "usage endpoint '" + name + "' is not known; use one of " + known);
  }

  /** The endpoint whose results carry {@code object}, or {@code null} for another type. */
  static UsageEndpoint forResultObject(String object) {
    return BY_RESULT_OBJECT.get(object);
  }

  private static final Map<String, UsageEndpoint> BY_RESULT_OBJECT = new HashMap<>();

  static {
    for (UsageEndpoint e : values()) {
      BY_RESULT_OBJECT.put(e.resultObject, e);
    }
  }
}
