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
import static dev.tokenledger.openai.UsageFilter.API_KEY_IDS;
import static dev.tokenledger.openai.UsageFilter.CONTEXT_LEVELS;
import static dev.tokenledger.openai.UsageFilter.MODELS;
import static dev.tokenledger.openai.UsageFilter.PROJECT_IDS;
import static dev.tokenledger.openai.UsageFilter.SIZES;
import static dev.tokenledger.openai.UsageFilter.SOURCES;
import static dev.tokenledger.openai.UsageFilter.USER_IDS;
import static dev.tokenledger.openai.UsageFilter.VECTOR_STORE_IDS;

import dev.tokenledger.figures.Endpoint;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The ten {@code /organization/usage/*} endpoints, with the result {@code object} each returns and
 * the {@code group_by} values and filters each accepts (API-NOTES §2, §3.2).
 */
public enum UsageEndpoint {
  COMPLETIONS(
      "completions",
      "organization.usage.completions.result",
      EnumSet.of(PROJECT_ID, USER_ID, API_KEY_ID, MODEL, Dimension.BATCH, SERVICE_TIER),
      EnumSet.of(PROJECT_IDS, USER_IDS, API_KEY_IDS, MODELS, UsageFilter.BATCH)),
  EMBEDDINGS(
      "embeddings",
      "organization.usage.embeddings.result",
      EnumSet.of(PROJECT_ID, USER_ID, API_KEY_ID, MODEL),
      EnumSet.of(PROJECT_IDS, USER_IDS, API_KEY_IDS, MODELS)),
  MODERATIONS(
      "moderations",
      "organization.usage.moderations.result",
      EnumSet.of(PROJECT_ID, USER_ID, API_KEY_ID, MODEL),
      EnumSet.of(PROJECT_IDS, USER_IDS, API_KEY_IDS, MODELS)),
  IMAGES(
      "images",
      "organization.usage.images.result",
      EnumSet.of(PROJECT_ID, USER_ID, API_KEY_ID, MODEL, SIZE, SOURCE),
      EnumSet.of(PROJECT_IDS, USER_IDS, API_KEY_IDS, MODELS, SOURCES, SIZES)),
  AUDIO_SPEECHES(
      "audio_speeches",
      "organization.usage.audio_speeches.result",
      EnumSet.of(PROJECT_ID, USER_ID, API_KEY_ID, MODEL),
      EnumSet.of(PROJECT_IDS, USER_IDS, API_KEY_IDS, MODELS)),
  AUDIO_TRANSCRIPTIONS(
      "audio_transcriptions",
      "organization.usage.audio_transcriptions.result",
      EnumSet.of(PROJECT_ID, USER_ID, API_KEY_ID, MODEL),
      EnumSet.of(PROJECT_IDS, USER_IDS, API_KEY_IDS, MODELS)),
  VECTOR_STORES(
      "vector_stores",
      "organization.usage.vector_stores.result",
      EnumSet.of(PROJECT_ID),
      EnumSet.of(PROJECT_IDS)),
  CODE_INTERPRETER_SESSIONS(
      "code_interpreter_sessions",
      "organization.usage.code_interpreter_sessions.result",
      EnumSet.of(PROJECT_ID),
      EnumSet.of(PROJECT_IDS)),
  FILE_SEARCH_CALLS(
      "file_search_calls",
      "organization.usage.file_searches.result",
      EnumSet.of(PROJECT_ID, USER_ID, API_KEY_ID, VECTOR_STORE_ID),
      EnumSet.of(PROJECT_IDS, USER_IDS, API_KEY_IDS, VECTOR_STORE_IDS)),
  WEB_SEARCH_CALLS(
      "web_search_calls",
      "organization.usage.web_searches.result",
      EnumSet.of(PROJECT_ID, USER_ID, API_KEY_ID, MODEL, CONTEXT_LEVEL),
      EnumSet.of(PROJECT_IDS, USER_IDS, API_KEY_IDS, MODELS, CONTEXT_LEVELS));

  private final String name;
  private final String resultObject;
  private final Set<Dimension> groupBy;
  private final Set<UsageFilter> filters;

  UsageEndpoint(
      String name, String resultObject, Set<Dimension> groupBy, Set<UsageFilter> filters) {
    this.name = name;
    this.resultObject = resultObject;
    this.groupBy = Collections.unmodifiableSet(groupBy);
    this.filters = Collections.unmodifiableSet(filters);
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
