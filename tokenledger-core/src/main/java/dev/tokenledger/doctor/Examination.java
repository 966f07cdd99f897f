package dev.tokenledger.doctor;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.config.ConfigOptions;
import dev.tokenledger.config.ConfigWarning;
import dev.tokenledger.config.DotEnvFile;
import dev.tokenledger.config.DotEnvWriter;
import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.config.KeyClass;
import dev.tokenledger.config.Placeholders;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.config.UsageKey;
import dev.tokenledger.config.VariableOrigin;
import dev.tokenledger.doctor.FrameworkFindings.KeyIdStatus;
import dev.tokenledger.doctor.FrameworkFindings.ModelAccess;
import dev.tokenledger.keys.KeyIdResolver;
import dev.tokenledger.keys.KeyIdentity;
import dev.tokenledger.keys.KeyResolution;
import dev.tokenledger.openai.ApiError;
import dev.tokenledger.openai.ApiUnavailableException;
import dev.tokenledger.openai.BucketWidth;
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.OpenAiException;
import dev.tokenledger.openai.PagedBuckets;
import dev.tokenledger.openai.Project;
import dev.tokenledger.openai.ProjectApiKey;
import dev.tokenledger.openai.UsageBucket;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.openai.UsageQuery;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One run of the doctor's checks, in the order of issue 4; holds what earlier checks learned. */
final class Examination {
  private static final Pattern LEADING_VARIABLE = Pattern.compile("([A-Z][A-Z0-9_]+)\\b");
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");
  private static final String CONFIGURATION_TITLE = "Configuration";
  private static final String USAGE_KEY_CLASS_TITLE = "Usage key class";
  private static final String USAGE_KEY_WORKS_TITLE = "Usage key works";
  private static final String ORGANIZATION_READ_TITLE = "Organization read";
  private static final String ADMIN_KEYS_PAGE =
      "platform.openai.com: Settings > Organization > Admin keys";

  /** One thing wrong: what, more about it, what to do, and what kind of problem it is. */
  private record Problem(
      String message, List<String> details, List<String> fix, ExitCategory category) {}

  private final Map<String, String> environment;
  private final Path workingDirectory;
  private final ConfigOptions configOptions;
  private final Doctor.ClientFactory clients;
  private final Clock clock;
  private final DoctorOptions options;

  private final List<DoctorCheck> checks = new ArrayList<>();
  private final List<FrameworkFindings> frameworks = new ArrayList<>();
  private TokenLedgerConfig config;
  private Optional<UsageKey> usageKey = Optional.empty();
  private boolean usageKeyForApi;
  private URI baseUrl;
  private OpenAiAdminClient client;
  private ApiFailures failures;
  private List<FrameworkKey> selected = List.of();
  private DoctorCheck selectionFailure;

  /** Why nothing more is sent to the API; null while it answers. */
  private String remoteUnavailable;

  /** Why the usage key cannot be used for the organization listing; null when it can. */
  private String usageKeyUnusable;

  private List<KeyIdentity> listing;
  private String listingMissing;
  private boolean listingRefused;

  Examination(
      Map<String, String> environment,
      Path workingDirectory,
      ConfigOptions configOptions,
      Doctor.ClientFactory clients,
      Clock clock,
      DoctorOptions options) {
    this.environment = environment;
    this.workingDirectory = workingDirectory;
    this.configOptions = configOptions;
    this.clients = clients;
    this.clock = clock;
    this.options = options;
  }

  DoctorReport run() {
    try {
      config = TokenLedgerConfig.load(environment, workingDirectory, configOptions);
    } catch (ConfigurationException e) {
      checks.add(
          DoctorCheck.fail(
              DoctorCheck.CONFIGURATION,
              CONFIGURATION_TITLE,
              ExitCategory.CONFIGURATION,
              e.getMessage(),
              List.of(),
              List.of()));
      String why = "the configuration could not be read";
      checks.add(DoctorCheck.skipped(DoctorCheck.USAGE_KEY_CLASS, USAGE_KEY_CLASS_TITLE, why));
      checks.add(DoctorCheck.skipped(DoctorCheck.USAGE_KEY_WORKS, USAGE_KEY_WORKS_TITLE, why));
      checks.add(DoctorCheck.skipped(DoctorCheck.ORGANIZATION_READ, ORGANIZATION_READ_TITLE, why));
      checks.add(summary());
      return new DoctorReport(
          options, Optional.empty(), Optional.empty(), Optional.empty(), checks, frameworks);
    }
    selectFrameworks();
    checks.add(configurationCheck());
    checks.add(usageKeyClassCheck());
    connect();
    checks.add(usageKeyWorksCheck());
    checks.add(organizationReadCheck());
    if (selectionFailure != null) {
      checks.add(selectionFailure);
    }
    for (FrameworkKey fw : selected) {
      checks.add(frameworkCheck(fw));
    }
    if (options.writeIds()) {
      checks.add(writeIdsCheck());
    }
    checks.add(summary());
    return new DoctorReport(
        options,
        config.dotEnvFile().map(DotEnvFile::path),
        config.findUsageKey(),
        Optional.ofNullable(baseUrl).map(URI::toString),
        checks,
        frameworks);
  }

  // ------------------------------------------------------------------ 1. configuration

  private void selectFrameworks() {
    if (options.framework().isEmpty()) {
      selected = config.frameworkKeys();
      return;
    }
    String name = options.framework().get();
    try {
      selected = List.of(config.frameworkKey(name));
    } catch (ConfigurationException e) {
      // The name is echoed only when it cannot be a key pasted in the wrong place.
      String shown =
          SAFE_NAME.matcher(name.strip()).matches() && KeyClass.of(name) == KeyClass.UNKNOWN
              ? name.strip()
              : "?";
      selectionFailure =
          DoctorCheck.fail(
              DoctorCheck.FRAMEWORK_PREFIX + shown,
              "Framework " + shown,
              ExitCategory.CONFIGURATION,
              e.getMessage(),
              List.of(),
              List.of());
    }
  }

  private DoctorCheck configurationCheck() {
    List<Problem> errors = new ArrayList<>();
    List<Problem> warnings = new ArrayList<>();
    List<String> facts = new ArrayList<>();
    facts.add(
        config
            .dotEnvFile()
            .map(f -> "read " + f.path())
            .orElse("no .env file in " + config.workingDirectory() + ", the environment only"));
    Optional<UsageKey> found = config.findUsageKey();
    facts.add(
        found
            .map(k -> "usage key in " + k.variable() + " (" + k.key().redacted() + ")")
            .orElse("no usage key"));
    List<FrameworkKey> all = config.frameworkKeys();
    facts.add(
        all.isEmpty()
            ? "no framework keys"
            : plural(all.size(), "framework key")
                + ": "
                + all.stream().map(FrameworkKey::name).collect(Collectors.joining(", ")));
    if (found.isEmpty()) {
      try {
        config.usageKey();
      } catch (ConfigurationException e) {
        errors.add(problem(e.getMessage(), null, ExitCategory.CONFIGURATION));
      }
    }
    try {
      baseUrl = config.baseUrl();
      baseUrlOrigin().ifPresent(o -> facts.add("OPENAI_BASE_URL " + baseUrl));
    } catch (ConfigurationException e) {
      errors.add(problem(e.getMessage(), null, ExitCategory.CONFIGURATION));
    }
    for (ConfigWarning w : config.warnings()) {
      // The usage key's class and shared keys have checks of their own.
      if (w.kind() == ConfigWarning.Kind.USAGE_KEY_NOT_ADMIN
          || w.kind() == ConfigWarning.Kind.SHARED_KEY) {
        continue;
      }
      Problem p = problem(w.message(), configFix(w), ExitCategory.CONFIGURATION);
      (w.severity() == ConfigWarning.Severity.ERROR ? errors : warnings).add(p);
    }
    if (all.isEmpty() && options.framework().isEmpty()) {
      warnings.add(
          problem(
              "no framework keys are configured: per-framework accounting needs one key per"
                  + " framework",
              "set OPENAI_API_KEY_<NAME> to each framework's own project key, e.g."
                  + " OPENAI_API_KEY_CHATDEV",
              ExitCategory.CONFIGURATION));
    }
    usageKey = found.filter(k -> !Placeholders.isPlaceholder(k.key().revealForChildProcess()));
    String summary = String.join("; ", facts);
    if (!errors.isEmpty()) {
      List<Problem> rest = new ArrayList<>(errors.subList(1, errors.size()));
      rest.addAll(warnings);
      List<String> details = messages(rest);
      details.add(summary);
      return DoctorCheck.fail(
          DoctorCheck.CONFIGURATION,
          CONFIGURATION_TITLE,
          ExitCategory.CONFIGURATION,
          errors.get(0).message(),
          details,
          fixes(errors, warnings));
    }
    if (!warnings.isEmpty()) {
      return DoctorCheck.warn(
          DoctorCheck.CONFIGURATION,
          CONFIGURATION_TITLE,
          summary,
          messages(warnings),
          fixes(warnings));
    }
    return DoctorCheck.ok(DoctorCheck.CONFIGURATION, CONFIGURATION_TITLE, summary);
  }

  /** A warning's fix as a sentence that names the variable it is about. */
  private static String configFix(ConfigWarning w) {
    if (w.fix().isBlank()) {
      return null;
    }
    Matcher variable = LEADING_VARIABLE.matcher(w.message());
    return variable.lookingAt()
        ? variable.group(1) + ": " + w.fix()
        : Character.toUpperCase(w.fix().charAt(0)) + w.fix().substring(1);
  }

  private Optional<VariableOrigin> baseUrlOrigin() {
    return baseUrl == null || baseUrl.toString().equals(TokenLedgerConfig.DEFAULT_BASE_URL)
        ? Optional.empty()
        : config.origin("OPENAI_BASE_URL");
  }

  // ------------------------------------------------------------------ 2. usage key class

  private DoctorCheck usageKeyClassCheck() {
    String id = DoctorCheck.USAGE_KEY_CLASS;
    Optional<UsageKey> found = config.findUsageKey();
    if (found.isEmpty()) {
      usageKeyUnusable = "there is no usage key (see Configuration)";
      return DoctorCheck.skipped(id, USAGE_KEY_CLASS_TITLE, usageKeyUnusable);
    }
    if (usageKey.isEmpty()) {
      usageKeyUnusable =
          "the usage key in " + found.get().variable() + " is a placeholder (see Configuration)";
      return DoctorCheck.skipped(id, USAGE_KEY_CLASS_TITLE, usageKeyUnusable);
    }
    UsageKey k = usageKey.get();
    KeyClass keyClass = k.key().keyClass();
    String where = "found in " + k.variable() + " (from " + k.origin().describe() + ")";
    if (keyClass == KeyClass.ADMIN) {
      usageKeyForApi = true;
      return DoctorCheck.ok(
          id, USAGE_KEY_CLASS_TITLE, "admin key " + k.key().redacted() + " in " + k.variable());
    }
    if (keyClass == KeyClass.UNKNOWN) {
      usageKeyForApi = true;
      return DoctorCheck.warn(
          id,
          USAGE_KEY_CLASS_TITLE,
          k.variable()
              + " holds "
              + k.key().redacted()
              + ", which does not look like an OpenAI admin key (sk-admin-…)",
          List.of(where),
          createAdminKey(k));
    }
    usageKeyUnusable = "the usage key is not an admin key (see Usage key class)";
    return DoctorCheck.fail(
        id,
        USAGE_KEY_CLASS_TITLE,
        ExitCategory.CONFIGURATION,
        k.variable()
            + " holds a "
            + keyClass.description()
            + " ("
            + k.key().redacted()
            + "): only admin keys (sk-admin-…) can read the organization's usage",
        List.of(
            "A " + keyClass.description() + " calls models; it cannot be given api.usage.read.",
            where),
        createAdminKey(k));
  }

  private List<String> createAdminKey(UsageKey k) {
    return List.of(
        "As an organization owner, create an admin key with the scopes api.usage.read and"
            + " api.organization.read ("
            + ADMIN_KEYS_PAGE
            + ").",
        "Put it "
            + placement(k)
            + " in place of this key; if this key belongs to a framework, move it to"
            + " OPENAI_API_KEY_<NAME>.");
  }

  /** Where a replacement usage key goes: the file and name doctor found the current one under. */
  private static String placement(UsageKey k) {
    return k.origin()
        .file()
        .map(f -> "in " + f + " as " + k.variable())
        .orElse("in the environment as " + k.variable() + ", where doctor found this one,");
  }

  // ------------------------------------------------------------------ 3. usage key works

  private void connect() {
    if (options.offline()) {
      remoteUnavailable = "offline";
      return;
    }
    if (baseUrl == null) {
      remoteUnavailable = "OPENAI_BASE_URL is not a valid URL (see Configuration)";
      return;
    }
    failures = new ApiFailures(baseUrl, baseUrlOrigin());
    client =
        clients.create(baseUrl, usageKeyForApi ? usageKey.map(UsageKey::key) : Optional.empty());
  }

  private DoctorCheck usageKeyWorksCheck() {
    String id = DoctorCheck.USAGE_KEY_WORKS;
    if (remoteUnavailable != null) {
      return DoctorCheck.skipped(id, USAGE_KEY_WORKS_TITLE, remoteUnavailable);
    }
    if (!usageKeyForApi) {
      return DoctorCheck.skipped(id, USAGE_KEY_WORKS_TITLE, usageKeyUnusable);
    }
    UsageKey k = usageKey.orElseThrow();
    Instant end = BucketWidth.MINUTE.floor(clock.instant());
    UsageQuery query =
        UsageQuery.builder(UsageEndpoint.COMPLETIONS)
            .window(end.minus(Duration.ofMinutes(1)), end)
            .width(BucketWidth.MINUTE)
            .limit(1)
            .build();
    Instant started = clock.instant();
    PagedBuckets<UsageBucket> buckets = client.usage(query);
    try {
      buckets.iterator().hasNext();
    } catch (KeyRefusedException e) {
      if (e.reason() != KeyRefusedException.Reason.MISSING_SCOPES) {
        usageKeyUnusable = "OpenAI refused the usage key (see Usage key works)";
      }
      Problem p = usageKeyRefused(e, k);
      return DoctorCheck.fail(
          id, USAGE_KEY_WORKS_TITLE, p.category(), p.message(), p.details(), p.fix());
    } catch (OpenAiException e) {
      unreachable(e, USAGE_KEY_WORKS_TITLE);
      ApiFailures.Explanation x = failures.explain(e);
      return DoctorCheck.fail(
          id,
          USAGE_KEY_WORKS_TITLE,
          ExitCategory.API_UNAVAILABLE,
          x.summary(),
          x.details(),
          x.fix());
    }
    long millis = Duration.between(started, clock.instant()).toMillis();
    int requests = buckets.stats().httpRequests();
    return DoctorCheck.ok(
        id,
        USAGE_KEY_WORKS_TITLE,
        "GET "
            + query.endpoint().path()
            + " (last minute, limit=1) answered in "
            + millis
            + " ms"
            + (requests > 1 ? " after " + requests + " attempts" : ""));
  }

  private void unreachable(OpenAiException e, String title) {
    if (e instanceof ApiUnavailableException) {
      remoteUnavailable = "the API could not be reached (see " + title + ")";
    }
  }

  private Problem usageKeyRefused(KeyRefusedException e, UsageKey k) {
    String status = "HTTP " + e.httpStatus().orElse(401);
    List<String> details =
        List.of(
            "the key: "
                + k.key().redacted()
                + " in "
                + k.variable()
                + " (from "
                + k.origin().describe()
                + ")",
            openAiSaid(e));
    return switch (e.reason()) {
      case MISSING_SCOPES -> {
        String scopes = scopes(e, "api.usage.read");
        yield new Problem(
            "OpenAI refused the usage key (" + status + "): it lacks the scope " + scopes,
            details,
            List.of(
                "Either grant this key "
                    + scopes
                    + " (the key's permissions, "
                    + ADMIN_KEYS_PAGE
                    + "), wait 1-2 minutes for the change to propagate, and run tokenledger"
                    + " doctor again;",
                "or create a new admin key with api.usage.read (and api.organization.read, for"
                    + " key ids and names) and put it "
                    + placement(k)
                    + "."),
            ExitCategory.KEY_REFUSED);
      }
      case INVALID_KEY ->
          new Problem(
              "OpenAI does not accept the usage key ("
                  + status
                  + "): it is wrong, revoked, or from another organization",
              details,
              List.of(
                  "Check the value of "
                      + k.variable()
                      + " in "
                      + k.origin().describe()
                      + ": copy the admin key again, or create a new one ("
                      + ADMIN_KEYS_PAGE
                      + ")."),
              ExitCategory.KEY_REFUSED);
      case PERMISSION_DENIED ->
          new Problem(
              "OpenAI refused the usage key ("
                  + status
                  + "): its owner lacks the Owner or Admin role in the organization",
              details,
              List.of(
                  "Ask an organization owner for the role, or for an admin key with"
                      + " api.usage.read to put "
                      + placement(k)
                      + "."),
              ExitCategory.KEY_REFUSED);
      case OTHER ->
          new Problem(
              "OpenAI refused the usage key (" + status + ")",
              details,
              List.of(
                  "Read what OpenAI said above, fix the key "
                      + placement(k)
                      + ", and run tokenledger doctor again."),
              ExitCategory.KEY_REFUSED);
    };
  }

  private static String scopes(KeyRefusedException e, String fallback) {
    return e.missingScopes().isEmpty() ? fallback : String.join(", ", e.missingScopes());
  }

  private static String openAiSaid(OpenAiException e) {
    return "OpenAI said: "
        + e.apiError().map(ApiError::message).filter(m -> !m.isBlank()).orElse(e.getMessage());
  }

  // ------------------------------------------------------------------ 4. organization read

  private DoctorCheck organizationReadCheck() {
    String id = DoctorCheck.ORGANIZATION_READ;
    if (remoteUnavailable != null) {
      listingMissing = remoteUnavailable;
      return DoctorCheck.skipped(id, ORGANIZATION_READ_TITLE, remoteUnavailable);
    }
    if (!usageKeyForApi || usageKeyUnusable != null) {
      listingMissing = usageKeyUnusable;
      return DoctorCheck.skipped(id, ORGANIZATION_READ_TITLE, usageKeyUnusable);
    }
    List<KeyIdentity> all = new ArrayList<>();
    List<Project> projects;
    try {
      projects = client.projects();
      for (Project project : projects) {
        for (ProjectApiKey key : client.projectApiKeys(project.id())) {
          all.add(new KeyIdentity(key, project));
        }
      }
    } catch (KeyRefusedException e) {
      listingRefused = true;
      listingMissing = "the usage key cannot list the organization's keys (see Organization read)";
      return organizationRefused(e);
    } catch (OpenAiException e) {
      unreachable(e, ORGANIZATION_READ_TITLE);
      listingMissing = "the organization's keys could not be listed (see Organization read)";
      ApiFailures.Explanation x = failures.explain(e);
      return DoctorCheck.fail(
          id,
          ORGANIZATION_READ_TITLE,
          ExitCategory.API_UNAVAILABLE,
          x.summary(),
          x.details(),
          x.fix());
    }
    listing = List.copyOf(all);
    return DoctorCheck.ok(
        id,
        ORGANIZATION_READ_TITLE,
        plural(projects.size(), "project")
            + " and "
            + plural(all.size(), "project API key")
            + " listed");
  }

  private DoctorCheck organizationRefused(KeyRefusedException e) {
    String status = "HTTP " + e.httpStatus().orElse(401);
    List<String> withoutId =
        selected.stream()
            .filter(f -> f.keyId().isEmpty())
            .map(FrameworkKey::keyIdVariable)
            .toList();
    String summary =
        switch (e.reason()) {
          case MISSING_SCOPES ->
              "the usage key cannot list projects ("
                  + status
                  + "): it lacks the scope "
                  + scopes(e, "api.organization.read");
          case PERMISSION_DENIED ->
              "OpenAI refused to list projects ("
                  + status
                  + "): the usage key's owner lacks the Owner role";
          default -> "OpenAI refused to list projects (" + status + ")";
        };
    List<String> details =
        List.of(
            "Without the listing, framework key ids cannot be resolved from the keys, and keys"
                + " have no names.",
            openAiSaid(e));
    String byHand =
        "set the key ids by hand"
            + (withoutId.isEmpty() ? "" : " (" + String.join(", ", withoutId) + ")")
            + "; each key's id is on its project's API keys page.";
    List<String> fix =
        e.reason() == KeyRefusedException.Reason.MISSING_SCOPES
            ? List.of(
                "Either grant the usage key "
                    + scopes(e, "api.organization.read")
                    + " (the key's permissions, "
                    + ADMIN_KEYS_PAGE
                    + "), wait 1-2 minutes for the change to propagate, and run tokenledger"
                    + " doctor again;",
                "or " + byHand)
            : List.of(
                "Ask an organization owner for an admin key with api.organization.read, or "
                    + byHand);
    if (withoutId.isEmpty()) {
      // Every framework has its id configured: accounting works without the listing.
      return DoctorCheck.warn(
          DoctorCheck.ORGANIZATION_READ, ORGANIZATION_READ_TITLE, summary, details, fix);
    }
    return DoctorCheck.fail(
        DoctorCheck.ORGANIZATION_READ,
        ORGANIZATION_READ_TITLE,
        ExitCategory.KEY_REFUSED,
        summary,
        details,
        fix);
  }

  // ------------------------------------------------------------------ 5. framework keys

  private DoctorCheck frameworkCheck(FrameworkKey fw) {
    String id = DoctorCheck.FRAMEWORK_PREFIX + fw.name();
    String title = "Framework " + fw.name();
    List<Problem> fails = new ArrayList<>();
    List<Problem> warns = new ArrayList<>();
    String origin = fw.origin().describe();

    if (Placeholders.isPlaceholder(fw.key().revealForChildProcess())) {
      // The Configuration check reports it with the reason and the fix.
      frameworks.add(
          new FrameworkFindings(
              fw,
              KeyIdStatus.UNKNOWN,
              Optional.empty(),
              List.of(),
              Optional.empty(),
              ModelAccess.NOT_CHECKED,
              Optional.empty(),
              false,
              CheckStatus.SKIPPED));
      return DoctorCheck.skipped(
          id, title, fw.variable() + " holds a placeholder, not a key (see Configuration)");
    }

    KeyClass keyClass = fw.key().keyClass();
    switch (keyClass) {
      case ADMIN ->
          fails.add(
              problem(
                  fw.variable() + " holds an admin key, and admin keys cannot call models",
                  "Give the framework its own project key (sk-proj-…) in "
                      + fw.variable()
                      + "; an admin key belongs in OPENAI_ADMIN_KEY.",
                  ExitCategory.CONFIGURATION));
      case LEGACY_USER ->
          warns.add(
              problem(
                  fw.variable()
                      + " holds a legacy user key: OpenAI lists project keys (sk-proj-…) with"
                      + " their ids, which is what accounting filters by",
                  "Create a project key for the framework and put it in " + fw.variable() + ".",
                  ExitCategory.CONFIGURATION));
      case UNKNOWN ->
          warns.add(
              problem(
                  fw.variable() + " does not look like an OpenAI key (sk-proj-…)",
                  "Check the value of " + fw.variable() + " (from " + origin + ").",
                  ExitCategory.CONFIGURATION));
      default -> {
        // Project and service-account keys are what a framework should have.
      }
    }

    boolean shared = sharedKeyProblems(fw, fails);

    // Key id: configured, resolved, both compared.
    KeyIdStatus idStatus;
    Optional<String> resolvedId = Optional.empty();
    List<String> candidates = List.of();
    Optional<KeyIdentity> identity = Optional.empty();
    Optional<String> configured = fw.keyId();
    String incomplete = null;
    if (listing != null) {
      KeyResolution resolution = KeyIdResolver.match(fw, listing);
      candidates = resolution.matches().stream().map(KeyIdentity::id).toList();
      switch (resolution.outcome()) {
        case UNIQUE -> {
          KeyIdentity found = resolution.identity().orElseThrow();
          identity = Optional.of(found);
          resolvedId = Optional.of(found.id());
          if (configured.isEmpty()) {
            idStatus = KeyIdStatus.RESOLVED;
          } else if (configured.get().equals(found.id())) {
            idStatus = KeyIdStatus.CONFIRMED;
          } else {
            idStatus = KeyIdStatus.CONFLICT;
            fails.add(
                problem(
                    fw.keyIdVariable()
                        + " (from "
                        + fw.origin().describe()
                        + ") says "
                        + configured.get()
                        + ", but this key is "
                        + found.id()
                        + ", "
                        + found.describe(),
                    "Set "
                        + fw.keyIdVariable()
                        + "="
                        + found.id()
                        + " (tokenledger doctor --write-ids does it), or put the right key in "
                        + fw.variable()
                        + ".",
                    ExitCategory.CONFIGURATION));
          }
        }
        case AMBIGUOUS -> {
          Optional<KeyIdentity> chosen =
              resolution.matches().stream()
                  .filter(m -> configured.isPresent() && m.id().equals(configured.get()))
                  .findFirst();
          if (chosen.isPresent()) {
            idStatus = KeyIdStatus.CONFIRMED;
            identity = chosen;
          } else {
            idStatus = configured.isEmpty() ? KeyIdStatus.AMBIGUOUS : KeyIdStatus.CONFLICT;
            fails.add(
                new Problem(
                    resolution.matches().size()
                        + " keys in the organization's list look like "
                        + fw.key().redacted()
                        + (configured.isEmpty()
                            ? ", so its key id cannot be told"
                            : ", and "
                                + fw.keyIdVariable()
                                + "="
                                + configured.get()
                                + " is none of them"),
                    resolution.matches().stream().map(m -> m.id() + ": " + m.describe()).toList(),
                    List.of(
                        "Set "
                            + fw.keyIdVariable()
                            + " to the right one of "
                            + String.join(", ", candidates)
                            + " (each key's id is on its project's API keys page)."),
                    ExitCategory.CONFIGURATION));
          }
        }
        default -> {
          Optional<KeyIdentity> byId =
              configured.flatMap(c -> listing.stream().filter(i -> i.id().equals(c)).findFirst());
          String notListed =
              "this key ("
                  + fw.key().redacted()
                  + ") is in none of the organization's projects: it is revoked, in an archived"
                  + " project, or from another organization";
          String checkKey =
              "Check "
                  + fw.variable()
                  + " (from "
                  + origin
                  + ") against the API keys page on platform.openai.com";
          if (byId.isPresent()) {
            idStatus = KeyIdStatus.CONFLICT;
            fails.add(
                problem(
                    fw.keyIdVariable()
                        + " says "
                        + configured.get()
                        + ", "
                        + byId.get().describe()
                        + ", whose value "
                        + byId.get().key().redactedValue()
                        + " is not this key ("
                        + fw.key().redacted()
                        + ")",
                    checkKey + ", and " + fw.keyIdVariable() + " against the key's id.",
                    ExitCategory.CONFIGURATION));
          } else {
            idStatus = KeyIdStatus.NOT_FOUND;
            fails.add(
                problem(
                    configured.isEmpty()
                        ? notListed
                        : notListed
                            + "; "
                            + fw.keyIdVariable()
                            + "="
                            + configured.get()
                            + " is not listed either",
                    checkKey
                        + "; if the key is right, set "
                        + fw.keyIdVariable()
                        + "=key_… by hand.",
                    ExitCategory.CONFIGURATION));
          }
        }
      }
    } else if (configured.isPresent()) {
      idStatus = KeyIdStatus.CONFIGURED;
    } else {
      idStatus = KeyIdStatus.UNKNOWN;
      if (listingRefused) {
        fails.add(
            problem(
                "no key id: "
                    + fw.keyIdVariable()
                    + " is not set, and the organization's keys could not be listed",
                "Set "
                    + fw.keyIdVariable()
                    + "=key_… by hand, or grant the usage key api.organization.read.",
                ExitCategory.KEY_REFUSED));
      } else if (!options.offline()) {
        incomplete = "key id not resolved: " + listingMissing;
      }
    }

    // Model access, checked without spending tokens.
    ModelAccess models = ModelAccess.NOT_CHECKED;
    Optional<Integer> modelCount = Optional.empty();
    if (remoteUnavailable != null) {
      if (!options.offline()) {
        incomplete = "online checks skipped: " + remoteUnavailable;
      }
    } else if (keyClass != KeyClass.ADMIN) {
      try {
        modelCount = Optional.of(client.listModels(fw.key()).size());
        models = ModelAccess.OK;
      } catch (KeyRefusedException e) {
        models = ModelAccess.REFUSED;
        fails.add(modelsRefused(fw, e));
      } catch (OpenAiException e) {
        models = ModelAccess.UNREACHABLE;
        unreachable(e, title);
        ApiFailures.Explanation x = failures.explain(e);
        fails.add(
            new Problem(
                "GET /models with this key failed: " + x.summary(),
                x.details(),
                x.fix(),
                ExitCategory.API_UNAVAILABLE));
      }
    }

    String facts =
        facts(fw, keyClass, idStatus, identity, models, modelCount, configured, resolvedId);
    CheckStatus status;
    DoctorCheck check;
    if (!fails.isEmpty()) {
      status = CheckStatus.FAIL;
      Problem first = fails.get(0);
      List<String> details = new ArrayList<>(first.details());
      List<Problem> rest = new ArrayList<>(fails.subList(1, fails.size()));
      rest.addAll(warns);
      for (Problem p : rest) {
        details.add(p.message());
        details.addAll(p.details());
      }
      details.add(facts);
      check =
          DoctorCheck.fail(
              id, title, first.category(), first.message(), details, fixes(fails, warns));
    } else if (!warns.isEmpty()) {
      status = CheckStatus.WARN;
      check = DoctorCheck.warn(id, title, facts, messages(warns), fixes(warns));
    } else if (incomplete != null) {
      status = CheckStatus.SKIPPED;
      check = DoctorCheck.skipped(id, title, facts + "; " + incomplete);
    } else {
      status = CheckStatus.OK;
      check = DoctorCheck.ok(id, title, facts);
    }
    frameworks.add(
        new FrameworkFindings(
            fw, idStatus, resolvedId, candidates, identity, models, modelCount, shared, status));
    return check;
  }

  /** Adds a problem for every other holder of {@code fw}'s key; true when there is one. */
  private boolean sharedKeyProblems(FrameworkKey fw, List<Problem> fails) {
    List<String> others =
        config.frameworkKeys().stream()
            .filter(o -> !o.variable().equals(fw.variable()) && o.key().equals(fw.key()))
            .map(FrameworkKey::variable)
            .toList();
    boolean shared = false;
    if (!others.isEmpty()) {
      shared = true;
      fails.add(
          problem(
              fw.variable()
                  + " holds the same key as "
                  + String.join(", ", others)
                  + " ("
                  + fw.key().redacted()
                  + "): the Usage API cannot tell their usage apart",
              "Create a separate project key for each framework.",
              ExitCategory.CONFIGURATION));
    }
    Optional<UsageKey> usage = config.findUsageKey();
    if (usage.isPresent() && usage.get().key().equals(fw.key())) {
      shared = true;
      fails.add(
          problem(
              fw.variable()
                  + " holds the usage key (also in "
                  + usage.get().variable()
                  + ", "
                  + fw.key().redacted()
                  + ")",
              "Give the framework its own project key: the usage key never makes model calls.",
              ExitCategory.CONFIGURATION));
    }
    return shared;
  }

  private Problem modelsRefused(FrameworkKey fw, KeyRefusedException e) {
    String status = "HTTP " + e.httpStatus().orElse(401);
    List<String> details = List.of(openAiSaid(e));
    String where = fw.variable() + " (from " + fw.origin().describe() + ")";
    return switch (e.reason()) {
      case MISSING_SCOPES -> {
        String scopes = scopes(e, "api.model.request");
        yield new Problem(
            "the key cannot call models (GET /models: " + status + "): it lacks " + scopes,
            details,
            List.of(
                "Grant the key "
                    + scopes
                    + " (its permissions on platform.openai.com: the project's API keys page),"
                    + " wait 1-2 minutes for the change to propagate, and run tokenledger doctor"
                    + " again."),
            ExitCategory.KEY_REFUSED);
      }
      case INVALID_KEY ->
          new Problem(
              "OpenAI does not accept the key ("
                  + status
                  + "): it is wrong, revoked, or from another organization",
              details,
              List.of("Check the value of " + where + "."),
              ExitCategory.KEY_REFUSED);
      default ->
          new Problem(
              "OpenAI refused the key on GET /models (" + status + ")",
              details,
              List.of("Read what OpenAI said above and fix " + where + "."),
              ExitCategory.KEY_REFUSED);
    };
  }

  private String facts(
      FrameworkKey fw,
      KeyClass keyClass,
      KeyIdStatus idStatus,
      Optional<KeyIdentity> identity,
      ModelAccess models,
      Optional<Integer> modelCount,
      Optional<String> configured,
      Optional<String> resolvedId) {
    List<String> parts = new ArrayList<>();
    parts.add(fw.key().redacted() + " (" + keyClass.description() + ")");
    switch (idStatus) {
      case CONFIRMED ->
          parts.add(
              "key id "
                  + identity.map(KeyIdentity::id).orElseThrow()
                  + " ("
                  + fw.keyIdVariable()
                  + " agrees)");
      case RESOLVED -> parts.add("key id " + resolvedId.orElseThrow() + " (resolved)");
      case CONFIGURED ->
          parts.add(
              "key id "
                  + configured.orElseThrow()
                  + " (from "
                  + fw.keyIdVariable()
                  + ", not verified"
                  + (options.offline() ? " offline" : "")
                  + ")");
      default -> {
        if (options.offline() && configured.isEmpty()) {
          parts.add("key id not configured (resolved online)");
        }
      }
    }
    identity.ifPresent(
        i -> {
          parts.add(i.describe());
          Instant used = i.key().lastUsedAt();
          parts.add(
              used == null ? "never used" : "last used " + Ago.describe(used, clock.instant()));
        });
    if (models == ModelAccess.OK) {
      parts.add("can call models (" + plural(modelCount.orElse(0), "model") + " listed)");
    }
    if (options.offline()) {
      parts.add("not checked against the API (offline)");
    }
    return String.join("; ", parts);
  }

  // ------------------------------------------------------------------ --write-ids

  private DoctorCheck writeIdsCheck() {
    String id = DoctorCheck.WRITE_IDS;
    String title = "Key ids written";
    Path file =
        config.dotEnvFile().map(DotEnvFile::path).orElse(config.workingDirectory().resolve(".env"));
    Map<String, String> ids = new LinkedHashMap<>();
    for (FrameworkFindings f : frameworks) {
      if (f.resolvedKeyId().isPresent() && !f.shared()) {
        ids.put(f.key().keyIdVariable(), f.resolvedKeyId().get());
      }
    }
    if (ids.isEmpty()) {
      return DoctorCheck.warn(
          id,
          title,
          "nothing written to " + file + ": no key id was resolved",
          listingMissing == null ? List.of() : List.of("key ids: " + listingMissing),
          List.of("Fix the problems above and run tokenledger doctor --write-ids again."));
    }
    DotEnvWriter.Result result;
    try {
      result = DotEnvWriter.setVariables(file, ids);
    } catch (ConfigurationException | IllegalArgumentException e) {
      return DoctorCheck.fail(
          id, title, ExitCategory.CONFIGURATION, e.getMessage(), List.of(), List.of());
    }
    List<String> done = new ArrayList<>();
    if (!result.appended().isEmpty()) {
      done.add("appended " + String.join(", ", result.appended()));
    }
    if (!result.replaced().isEmpty()) {
      done.add("replaced " + String.join(", ", result.replaced()));
    }
    String summary =
        result.changed()
            ? String.join("; ", done) + " in " + file
            : file + " already holds every resolved key id; nothing written";
    List<String> shadowed =
        ids.keySet().stream()
            .filter(v -> config.origin(v).map(VariableOrigin::isEnvironment).orElse(false))
            .toList();
    if (!shadowed.isEmpty()) {
      return DoctorCheck.warn(
          id,
          title,
          summary,
          List.of(
              String.join(", ", shadowed)
                  + " also set in the environment, which wins over "
                  + file),
          List.of("Unset " + String.join(", ", shadowed) + " in the environment."));
    }
    return DoctorCheck.ok(id, title, summary);
  }

  // ------------------------------------------------------------------ 6. summary

  private DoctorCheck summary() {
    List<DoctorCheck> blocking = checks.stream().filter(DoctorCheck::blocks).toList();
    if (!blocking.isEmpty()) {
      return DoctorCheck.fail(
          DoctorCheck.SUMMARY,
          "Summary",
          blocking.get(0).category(),
          plural(blocking.size(), "problem")
              + (blocking.size() == 1 ? " blocks" : " block")
              + " accounting",
          blocking.stream().map(c -> c.title() + ": " + c.summary()).toList(),
          List.of());
    }
    long warnings = checks.stream().filter(c -> c.status() == CheckStatus.WARN).count();
    long ready =
        frameworks.stream()
            .filter(f -> f.status() == CheckStatus.OK || f.status() == CheckStatus.WARN)
            .count();
    String summary;
    if (options.offline()) {
      summary =
          "no problems found offline with "
              + plural(selected.size(), "framework key")
              + "; run without --offline to check the keys against the API";
    } else if (selected.isEmpty()) {
      summary = "the usage key works; no framework keys to account for yet";
    } else {
      summary = "ready to account for " + plural(ready, "framework");
    }
    if (warnings > 0) {
      summary += " (" + plural(warnings, "warning") + " above)";
    }
    return DoctorCheck.ok(DoctorCheck.SUMMARY, "Summary", summary);
  }

  // ------------------------------------------------------------------ helpers

  private static Problem problem(String message, String fix, ExitCategory category) {
    return new Problem(message, List.of(), fix == null ? List.of() : List.of(fix), category);
  }

  private static List<String> messages(List<Problem> problems) {
    List<String> out = new ArrayList<>();
    for (Problem p : problems) {
      out.add(p.message());
      out.addAll(p.details());
    }
    return out;
  }

  @SafeVarargs
  private static List<String> fixes(List<Problem>... groups) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (List<Problem> group : groups) {
      group.forEach(p -> out.addAll(p.fix()));
    }
    return List.copyOf(out);
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
