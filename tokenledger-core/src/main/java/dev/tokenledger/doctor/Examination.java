package dev.tokenledger.doctor;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.config.DotEnvFile;
import dev.tokenledger.config.DotEnvWriter;
import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.config.KeyClass;
import dev.tokenledger.config.TokenLedgerConfig;
import dev.tokenledger.config.UsageKey;
import dev.tokenledger.config.VariableOrigin;
import dev.tokenledger.keys.KeyIdentity;
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
import dev.tokenledger.openai.UsageKeyAdvice;
import dev.tokenledger.openai.UsageQuery;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One run of the doctor's checks, in the order of issue 4; holds what earlier checks learned. */
final class Examination {
  static final String CONFIGURATION_TITLE = "Configuration";
  static final String USAGE_KEY_CLASS_TITLE = "Usage key class";
  private static final String USAGE_KEY_WORKS_TITLE = "Usage key works";
  private static final String ORGANIZATION_READ_TITLE = "Organization read";
  private static final String ADMIN_KEYS_PAGE = UsageKeyAdvice.ADMIN_KEYS_PAGE;

  private final Doctor doctor;
  private final Clock clock;
  private final DoctorOptions options;

  private final List<DoctorCheck> checks = new ArrayList<>();
  private final List<FrameworkFindings> frameworks = new ArrayList<>();
  private TokenLedgerConfig config;
  private ConfigurationChecks local;
  private OpenAiAdminClient client;
  private ApiFailures failures;

  /** Why nothing more is sent to the API; null while it answers. */
  private String remoteUnavailable;

  /** Why the usage key cannot be used for the organization listing; null when it can. */
  private String usageKeyUnusable;

  private List<KeyIdentity> listing;
  private String listingMissing;
  private boolean listingRefused;

  Examination(Doctor doctor, DoctorOptions options) {
    this.doctor = doctor;
    this.clock = doctor.clock;
    this.options = options;
  }

  DoctorReport run() {
    try {
      config =
          TokenLedgerConfig.load(doctor.environment, doctor.workingDirectory, doctor.configOptions);
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
    local = new ConfigurationChecks(config, options);
    local.selectFrameworks();
    checks.add(local.configurationCheck());
    checks.add(local.usageKeyClassCheck());
    usageKeyUnusable = local.usageKeyUnusable();
    connect();
    checks.add(usageKeyWorksCheck());
    checks.add(organizationReadCheck());
    local.selectionFailure().ifPresent(checks::add);
    for (FrameworkKey fw : local.selected()) {
      FrameworkCheck.Outcome outcome =
          FrameworkCheck.run(
              new FrameworkCheck.Context(
                  config,
                  options,
                  clock,
                  client,
                  failures,
                  listing,
                  listingMissing,
                  listingRefused,
                  remoteUnavailable),
              fw);
      checks.add(outcome.check());
      frameworks.add(outcome.findings());
      if (outcome.apiUnreachable()) {
        remoteUnavailable = "the API could not be reached (see " + outcome.check().title() + ")";
      }
    }
    if (options.writeIds()) {
      checks.add(writeIdsCheck());
    }
    checks.add(summary());
    return new DoctorReport(
        options,
        config.dotEnvFile().map(DotEnvFile::path),
        config.findUsageKey(),
        local.baseUrl().map(URI::toString),
        checks,
        frameworks);
  }

  // ------------------------------------------------------------------ 3. usage key works

  private void connect() {
    if (options.offline()) {
      remoteUnavailable = "offline";
      return;
    }
    if (local.baseUrl().isEmpty()) {
      remoteUnavailable = "OPENAI_BASE_URL is not a valid URL (see Configuration)";
      return;
    }
    URI baseUrl = local.baseUrl().get();
    failures = new ApiFailures(baseUrl, local.baseUrlOrigin());
    client =
        doctor.clients.create(
            baseUrl,
            local.usageKeyForApi() ? local.usageKey().map(UsageKey::key) : Optional.empty());
  }

  private DoctorCheck usageKeyWorksCheck() {
    String id = DoctorCheck.USAGE_KEY_WORKS;
    if (remoteUnavailable != null) {
      return DoctorCheck.skipped(id, USAGE_KEY_WORKS_TITLE, remoteUnavailable);
    }
    if (!local.usageKeyForApi()) {
      return DoctorCheck.skipped(id, USAGE_KEY_WORKS_TITLE, usageKeyUnusable);
    }
    UsageKey k = local.usageKey().orElseThrow();
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
      // Asking for the first bucket sends the one request; its answer is all that matters.
      buckets.iterator().hasNext();
    } catch (KeyRefusedException e) {
      if (e.reason() != KeyRefusedException.Reason.MISSING_SCOPES
          || !UsageKeyAdvice.scopesCanHelp(k.key().keyClass())) {
        usageKeyUnusable = "OpenAI refused the usage key (see Usage key works)";
      }
      Problem p = usageKeyRefused(e, k);
      return DoctorCheck.fail(
          id, USAGE_KEY_WORKS_TITLE, p.category(), p.message(), p.details(), p.fix());
    } catch (OpenAiException e) {
      return apiFailed(id, USAGE_KEY_WORKS_TITLE, e);
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

  /** The failed check for a call that failed other than by refusing the key. */
  private DoctorCheck apiFailed(String id, String title, OpenAiException e) {
    if (isUnreachable(e)) {
      remoteUnavailable = "the API could not be reached (see " + title + ")";
    }
    ApiFailures.Explanation x = failures.explain(e);
    return DoctorCheck.fail(
        id, title, ExitCategory.API_UNAVAILABLE, x.summary(), x.details(), x.fix());
  }

  /** Whether a failure means the API is not answering, so later requests would only wait. */
  static boolean isUnreachable(OpenAiException e) {
    return e instanceof ApiUnavailableException;
  }

  private Problem usageKeyRefused(KeyRefusedException e, UsageKey k) {
    String status = "HTTP " + e.httpStatus().orElse(401);
    List<String> details = new ArrayList<>();
    details.add(
        "the key: "
            + k.key().redacted()
            + " in "
            + k.variable()
            + " (from "
            + k.origin().describe()
            + ")");
    details.add(ApiFailures.openAiSaid(e));
    return switch (e.reason()) {
      case MISSING_SCOPES -> {
        String scopes = ApiFailures.missingScopes(e, "api.usage.read");
        KeyClass keyClass = k.key().keyClass();
        details.addAll(UsageKeyAdvice.why(keyClass));
        yield new Problem(
            "OpenAI refused the usage key ("
                + status
                + "): it lacks the scope "
                + scopes
                + (UsageKeyAdvice.scopesCanHelp(keyClass)
                    ? ""
                    : "; organization usage needs an admin key"),
            details,
            UsageKeyAdvice.missingScopes(
                keyClass,
                e.missingScopes(),
                ConfigurationChecks.placement(k),
                "tokenledger doctor"),
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
                      + ConfigurationChecks.placement(k)
                      + "."),
              ExitCategory.KEY_REFUSED);
      case OTHER ->
          new Problem(
              "OpenAI refused the usage key (" + status + ")",
              details,
              List.of(
                  "Read what OpenAI said above, fix the key "
                      + ConfigurationChecks.placement(k)
                      + ", and run tokenledger doctor again."),
              ExitCategory.KEY_REFUSED);
    };
  }

  // ------------------------------------------------------------------ 4. organization read

  private DoctorCheck organizationReadCheck() {
    String id = DoctorCheck.ORGANIZATION_READ;
    if (remoteUnavailable != null) {
      listingMissing = remoteUnavailable;
      return DoctorCheck.skipped(id, ORGANIZATION_READ_TITLE, remoteUnavailable);
    }
    if (!local.usageKeyForApi() || usageKeyUnusable != null) {
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
      listingMissing = "the organization's keys could not be listed (see Organization read)";
      return apiFailed(id, ORGANIZATION_READ_TITLE, e);
    }
    listing = List.copyOf(all);
    return DoctorCheck.ok(
        id,
        ORGANIZATION_READ_TITLE,
        Phrases.plural(projects.size(), "project")
            + " and "
            + Phrases.plural(all.size(), "project API key")
            + " listed");
  }

  private DoctorCheck organizationRefused(KeyRefusedException e) {
    String status = "HTTP " + e.httpStatus().orElse(401);
    List<String> withoutId =
        local.selected().stream()
            .filter(f -> f.keyId().isEmpty())
            .map(FrameworkKey::keyIdVariable)
            .toList();
    String summary =
        switch (e.reason()) {
          case MISSING_SCOPES ->
              "the usage key cannot list projects ("
                  + status
                  + "): it lacks the scope "
                  + ApiFailures.missingScopes(e, "api.organization.read");
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
            ApiFailures.openAiSaid(e));
    String byHand =
        "set the key ids by hand"
            + (withoutId.isEmpty() ? "" : " (" + String.join(", ", withoutId) + ")")
            + "; each key's id is on its project's API keys page.";
    List<String> fix =
        e.reason() == KeyRefusedException.Reason.MISSING_SCOPES
            ? List.of(
                "Either grant the usage key "
                    + ApiFailures.missingScopes(e, "api.organization.read")
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
          Phrases.plural(blocking.size(), "problem")
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
              + Phrases.plural(local.selected().size(), "framework key")
              + "; run without --offline to check the keys against the API";
    } else if (local.selected().isEmpty()) {
      summary = "the usage key works; no framework keys to account for yet";
    } else {
      summary = "ready to account for " + Phrases.plural(ready, "framework");
    }
    if (warnings > 0) {
      summary += " (" + Phrases.plural(warnings, "warning") + " above)";
    }
    return DoctorCheck.ok(DoctorCheck.SUMMARY, "Summary", summary);
  }
}
