package dev.tokenledger.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.ConfigurationException;
import dev.tokenledger.config.ApiKey;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The client for OpenAI's organization Usage, Costs and Projects APIs, on {@code java.net.http}:
 * lazy paging, retries with backoff and {@code Retry-After}, typed errors that never hold a key.
 * Thread-safe; build one per base URL and admin key and reuse it.
 */
public final class OpenAiAdminClient {
  /** OpenAI's API, as the official SDKs default to. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  /** Time allowed to open a connection, by default. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Time allowed for one complete response, body included, by default. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  private static final int LIST_LIMIT = 100;

  private final ApiKey adminKey;
  private final HttpTransport transport;
  private final ObjectMapper json = new ObjectMapper();
  private final ErrorMapper errors;

  private OpenAiAdminClient(Builder b) {
    this.adminKey = b.adminKey;
    this.errors = new ErrorMapper(json, adminKey == null ? List.of() : List.of(adminKey));
    HttpClient http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    this.transport =
        new HttpTransport(
            http,
            b.baseUrl,
            b.clock,
            b.sleeper,
            b.retryPolicy,
            b.readTimeout,
            b.random,
            errors,
            b.retryListener);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The base URL requests go to, without a trailing slash. */
  public String baseUrl() {
    return transport.baseUrl();
  }

  /**
   * The buckets of a usage query, fetched lazily page by page ({@code page=<next_page>}) until the
   * API says there are no more; nothing is sent before iteration starts.
   */
  public PagedBuckets<UsageBucket> usage(UsageQuery query) {
    Objects.requireNonNull(query, "query");
    return usagePages(query, body -> PageParser.usage(body, query.endpoint()));
  }

  /**
   * Sums every row of a usage query into {@code into}, page by page, without a record per row: for
   * callers that need only the sums. When a page is refused, {@code into} may hold part of the
   * query.
   *
   * @return what it took: pages, HTTP requests, rows of unknown types skipped
   */
  public RequestStats usage(UsageQuery query, UsageAggregator into) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(into, "into");
    PagedBuckets<Object> pages =
        usagePages(query, body -> PageParser.aggregateUsage(body, query.endpoint(), into));
    pages.forEach(added -> {});
    return pages.stats();
  }

  /** The pages of a usage query, each read by {@code parser}. */
  private <B> PagedBuckets<B> usagePages(UsageQuery query, BodyParser<B> parser) {
    ApiKey key = requireAdminKey();
    String base = query.toQueryString();
    return new PagedBuckets<>(
        (cursor, onAttempt) ->
            fetchPage(
                query.endpoint().path(), base, cursor, key, onAttempt, "a usage page", parser));
  }

  /** The buckets of a costs query, fetched lazily page by page like {@link #usage}. */
  public PagedBuckets<CostBucket> costs(CostsQuery query) {
    Objects.requireNonNull(query, "query");
    ApiKey key = requireAdminKey();
    String base = query.toQueryString();
    return new PagedBuckets<>(
        (cursor, onAttempt) ->
            fetchPage(
                query.path(), base, cursor, key, onAttempt, "a costs page", PageParser::costs));
  }

  @FunctionalInterface
  private interface BodyParser<B> {
    Page<B> parse(byte[] body) throws PageFormatException;
  }

  private <B> Page<B> fetchPage(
      String path,
      String baseQuery,
      String cursor,
      ApiKey key,
      Runnable onAttempt,
      String expected,
      BodyParser<B> parser) {
    String query = cursor == null ? baseQuery : baseQuery + "&page=" + QueryString.encode(cursor);
    HttpTransport.Response response = transport.get(path, query, key, onAttempt);
    Page<B> page;
    try {
      page = parser.parse(response.body());
    } catch (PageFormatException e) {
      throw errors.badBody(response.call(), key, response.status(), expected, e, response.body());
    }
    if (page.hasMore() && page.nextPage().equals(cursor)) {
      throw errors.badBody(
          response.call(),
          key,
          response.status(),
          expected,
          new PageFormatException(
              BadResponseException.Kind.UNEXPECTED_JSON,
              "next_page repeats the cursor of this page, so paging would never end",
              null),
          response.body());
    }
    return page;
  }

  /** Every active project of the organization ({@code GET /organization/projects}). */
  public List<Project> projects() {
    return projects(false);
  }

  /** Every project of the organization, archived ones too when {@code includeArchived}. */
  public List<Project> projects(boolean includeArchived) {
    QueryString q =
        new QueryString()
            .add("limit", LIST_LIMIT)
            .add("include_archived", Boolean.toString(includeArchived));
    return list(
        "/organization/projects",
        q.toString(),
        requireAdminKey(),
        "a list of projects",
        n ->
            new Project(
                requireText(n, "id"),
                text(n, "name"),
                epoch(n, "created_at"),
                epoch(n, "archived_at"),
                text(n, "status")));
  }

  /**
   * Every API key of a project, whatever its owner's access ({@code owner_project_access=any}): the
   * listing that maps a usage result's {@code api_key_id} to a name and an owner.
   */
  public List<ProjectApiKey> projectApiKeys(String projectId) {
    if (projectId == null || projectId.isBlank()) {
      throw new IllegalArgumentException("projectId cannot be empty");
    }
    QueryString q = new QueryString().add("limit", LIST_LIMIT).add("owner_project_access", "any");
    return list(
        "/organization/projects/" + QueryString.encode(projectId) + "/api_keys",
        q.toString(),
        requireAdminKey(),
        "a list of project API keys",
        n -> projectApiKey(projectId, n));
  }

  /**
   * The ids of the models {@code frameworkKey} may use ({@code GET /models} with that key): checks
   * a framework key and the connection without spending tokens.
   */
  public List<String> listModels(ApiKey frameworkKey) {
    Objects.requireNonNull(frameworkKey, "frameworkKey");
    HttpTransport.Response response = transport.get("/models", "", frameworkKey, () -> {});
    JsonNode root = tree(response, frameworkKey, "a list of models");
    JsonNode data = root.get("data");
    if (data == null || !data.isArray()) {
      throw shapeError(response, frameworkKey, "a list of models", "it has no \"data\" array");
    }
    List<String> ids = new ArrayList<>();
    for (JsonNode m : data) {
      String id = text(m, "id");
      if (id != null) {
        ids.add(id);
      }
    }
    return ids;
  }

  private <T> List<T> list(
      String path, String baseQuery, ApiKey key, String expected, Function<JsonNode, T> mapper) {
    List<T> all = new ArrayList<>();
    String after = null;
    while (true) {
      String query = after == null ? baseQuery : baseQuery + "&after=" + QueryString.encode(after);
      HttpTransport.Response response = transport.get(path, query, key, () -> {});
      JsonNode root = tree(response, key, expected);
      JsonNode data = root.get("data");
      if (data == null || !data.isArray()) {
        throw shapeError(response, key, expected, "it has no \"data\" array");
      }
      for (int i = 0; i < data.size(); i++) {
        try {
          all.add(mapper.apply(data.get(i)));
        } catch (IllegalArgumentException e) {
          throw shapeError(response, key, expected, e.getMessage() + " at $.data[" + i + "]");
        }
      }
      JsonNode more = root.get("has_more");
      if (more == null || !more.asBoolean(false)) {
        return all;
      }
      String last = text(root, "last_id");
      if (last == null || last.equals(after)) {
        throw shapeError(
            response, key, expected, "has_more is true but last_id gives no new cursor");
      }
      after = last;
    }
  }

  private JsonNode tree(HttpTransport.Response response, ApiKey key, String expected) {
    byte[] body = response.body();
    try {
      if (body == null || PageParser.isBlank(body)) {
        throw PageFormatException.unreadable(body, null);
      }
      JsonNode root = json.readTree(body);
      if (root == null || !root.isObject()) {
        throw new PageFormatException(
            BadResponseException.Kind.UNEXPECTED_JSON, "expected an object at $", null);
      }
      return root;
    } catch (IOException e) {
      throw errors.badBody(
          response.call(),
          key,
          response.status(),
          expected,
          PageFormatException.unreadable(body, e),
          body);
    } catch (PageFormatException e) {
      throw errors.badBody(response.call(), key, response.status(), expected, e, body);
    }
  }

  private BadResponseException shapeError(
      HttpTransport.Response response, ApiKey key, String expected, String detail) {
    return errors.badBody(
        response.call(),
        key,
        response.status(),
        expected,
        new PageFormatException(BadResponseException.Kind.UNEXPECTED_JSON, detail, null),
        response.body());
  }

  private static ProjectApiKey projectApiKey(String projectId, JsonNode n) {
    JsonNode o = n.get("owner");
    ProjectApiKey.Owner owner = null;
    if (o != null && o.isObject()) {
      String type = text(o, "type");
      JsonNode who = type == null ? null : o.get(type);
      if (who == null || !who.isObject()) {
        who = o.has("user") ? o.get("user") : o.get("service_account");
      }
      owner =
          who == null || !who.isObject()
              ? new ProjectApiKey.Owner(type, null, null, null, null)
              : new ProjectApiKey.Owner(
                  type, text(who, "id"), text(who, "name"), text(who, "email"), text(who, "role"));
    }
    return new ProjectApiKey(
        projectId,
        requireText(n, "id"),
        text(n, "name"),
        text(n, "redacted_value"),
        epoch(n, "created_at"),
        epoch(n, "last_used_at"),
        owner,
        text(n, "owner_project_access"));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
  }

  private static String requireText(JsonNode node, String field) {
    String v = text(node, field);
    if (v == null) {
      throw new IllegalArgumentException("expected a string \"" + field + "\" but it is missing");
    }
    return v;
  }

  private static Instant epoch(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToLong()) {
      throw new IllegalArgumentException(
          "expected epoch seconds in \"" + field + "\" but found " + v);
    }
    return Instant.ofEpochSecond(v.asLong());
  }

  private ApiKey requireAdminKey() {
    if (adminKey == null) {
      throw new ConfigurationException(
          "no admin key was given to the OpenAI client: the /organization endpoints need one"
              + " (set OPENAI_ADMIN_KEY)");
    }
    return adminKey;
  }

  /** Settings for an {@link OpenAiAdminClient}; every one has a default but the admin key. */
  public static final class Builder {
    private String baseUrl = DEFAULT_BASE_URL;
    private ApiKey adminKey;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private HttpClient httpClient;
    private RandomGenerator random;
    private RetryNotice.Listener retryListener = RetryNotice.Listener.NONE;

    private Builder() {}

    /**
     * The API's base URL, e.g. the value of {@code OPENAI_BASE_URL}; default {@value
     * OpenAiAdminClient#DEFAULT_BASE_URL}.
     */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = baseUrl;
      return this;
    }

    /** The admin key sent to every {@code /organization} endpoint. */
    public Builder adminKey(ApiKey adminKey) {
      this.adminKey = adminKey;
      return this;
    }

    /** The clock the retry deadline is measured on; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How to wait between retries; default {@link Sleeper#system()}. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Default {@link RetryPolicy#DEFAULT}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
      return this;
    }

    /** Time to open a connection; default 10 s. Ignored when an {@link #httpClient} is given. */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /** Time for one complete response, body included; default 60 s. */
    public Builder readTimeout(Duration readTimeout) {
      this.readTimeout = positive("readTimeout", readTimeout);
      return this;
    }

    /** An {@link HttpClient} to use instead of a new one (its own connect timeout applies). */
    public Builder httpClient(HttpClient httpClient) {
      this.httpClient = httpClient;
      return this;
    }

    /** Hears of every retry before it is waited for (a command prints it); default none. */
    public Builder retryListener(RetryNotice.Listener retryListener) {
      this.retryListener = Objects.requireNonNull(retryListener, "retryListener");
      return this;
    }

    /** The source of backoff jitter; default {@code ThreadLocalRandom}. */
    public Builder random(RandomGenerator random) {
      this.random = random;
      return this;
    }

    /**
     * The client.
     *
     * @throws ConfigurationException when the base URL is not an absolute http(s) URL
     */
    public OpenAiAdminClient build() {
      baseUrl = normalize(baseUrl);
      return new OpenAiAdminClient(this);
    }

    private static String normalize(String url) {
      String u = url == null ? "" : url.strip();
      while (u.endsWith("/")) {
        u = u.substring(0, u.length() - 1);
      }
      try {
        URI uri = new URI(u);
        String scheme = uri.getScheme();
        if (scheme == null
            || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
            || uri.getHost() == null
            || uri.getQuery() != null
            || uri.getFragment() != null) {
          throw new URISyntaxException(u, "not an absolute http(s) URL without query");
        }
      } catch (URISyntaxException e) {
        throw new ConfigurationException(
            "the OpenAI base URL '"
                + (u.contains("sk-") ? ApiKey.redact(u) : u)
                + "' is not an absolute http(s) URL; use one like "
                + DEFAULT_BASE_URL
                + " (OPENAI_BASE_URL)");
      }
      return u;
    }

    private static Duration positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
