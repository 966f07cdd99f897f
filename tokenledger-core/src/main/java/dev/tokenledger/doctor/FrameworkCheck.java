package dev.tokenledger.doctor;

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
import dev.tokenledger.openai.KeyRefusedException;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.OpenAiException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Check 5 for one framework key: its class; that no other framework and not the usage key hold it;
 * its key id, configured and resolved, compared; its project, name and last use; and that it may
 * call models, asked with {@code GET /models}, which spends no tokens.
 */
final class FrameworkCheck {

  /**
   * What the earlier checks learned. {@code client}, {@code failures} and {@code listing} are null
   * when there is none; {@code remoteUnavailable} says why nothing is sent, null when the API
   * answers; {@code listingMissing} says why there is no listing.
   */
  record Context(
      TokenLedgerConfig config,
      DoctorOptions options,
      Clock clock,
      OpenAiAdminClient client,
      ApiFailures failures,
      List<KeyIdentity> listing,
      String listingMissing,
      boolean listingRefused,
      String remoteUnavailable) {}

  /** The check, what was learned, and whether the API stopped answering during it. */
  record Outcome(DoctorCheck check, FrameworkFindings findings, boolean apiUnreachable) {}

  /** How the key id came out. */
  private record KeyId(
      KeyIdStatus status,
      Optional<String> resolvedId,
      List<String> candidates,
      Optional<KeyIdentity> identity) {

    static KeyId of(KeyIdStatus status) {
      return new KeyId(status, Optional.empty(), List.of(), Optional.empty());
    }
  }

  private final Context context;
  private final FrameworkKey fw;
  private final String id;
  private final String title;
  private final List<Problem> fails = new ArrayList<>();
  private final List<Problem> warns = new ArrayList<>();

  /** Why the check could not finish, null when it did. */
  private String incomplete;

  private boolean apiUnreachable;

  private FrameworkCheck(Context context, FrameworkKey fw) {
    this.context = context;
    this.fw = fw;
    this.id = DoctorCheck.FRAMEWORK_PREFIX + fw.name();
    this.title = "Framework " + fw.name();
  }

  static Outcome run(Context context, FrameworkKey fw) {
    return new FrameworkCheck(context, fw).run();
  }

  private Outcome run() {
    if (Placeholders.isPlaceholder(fw.key().revealForChildProcess())) {
      // The Configuration check reports it, with the reason and the fix.
      return new Outcome(
          DoctorCheck.skipped(
              id, title, fw.variable() + " holds a placeholder, not a key (see Configuration)"),
          findings(
              KeyId.of(KeyIdStatus.UNKNOWN),
              ModelAccess.NOT_CHECKED,
              Optional.empty(),
              false,
              CheckStatus.SKIPPED),
          false);
    }
    KeyClass keyClass = fw.key().keyClass();
    classProblems(keyClass);
    boolean shared = sharedKeyProblems();
    KeyId keyId = context.listing() != null ? resolve(context.listing()) : unresolved();

    ModelAccess models = ModelAccess.NOT_CHECKED;
    Optional<Integer> modelCount = Optional.empty();
    if (context.remoteUnavailable() != null) {
      if (!context.options().offline()) {
        incomplete = "online checks skipped: " + context.remoteUnavailable();
      }
    } else if (keyClass != KeyClass.ADMIN) {
      try {
        modelCount = Optional.of(context.client().listModels(fw.key()).size());
        models = ModelAccess.OK;
      } catch (KeyRefusedException e) {
        models = ModelAccess.REFUSED;
        fails.add(modelsRefused(e));
      } catch (OpenAiException e) {
        models = ModelAccess.UNREACHABLE;
        apiUnreachable = Examination.isUnreachable(e);
        ApiFailures.Explanation x = context.failures().explain(e);
        fails.add(
            new Problem(
                "GET /models with this key failed: " + x.summary(),
                x.details(),
                x.fix(),
                ExitCategory.API_UNAVAILABLE));
      }
    }

    String facts = facts(keyClass, keyId, models, modelCount);
    DoctorCheck check;
    if (!fails.isEmpty()) {
      Problem first = fails.get(0);
      List<Problem> rest = new ArrayList<>(fails.subList(1, fails.size()));
      rest.addAll(warns);
      List<String> details = new ArrayList<>(first.details());
      details.addAll(Problem.messages(rest));
      details.add(facts);
      check =
          DoctorCheck.fail(
              id, title, first.category(), first.message(), details, Problem.fixes(fails, warns));
    } else if (!warns.isEmpty()) {
      check = DoctorCheck.warn(id, title, facts, Problem.messages(warns), Problem.fixes(warns));
    } else if (incomplete != null) {
      check = DoctorCheck.skipped(id, title, facts + "; " + incomplete);
    } else {
      check = DoctorCheck.ok(id, title, facts);
    }
    return new Outcome(
        check, findings(keyId, models, modelCount, shared, check.status()), apiUnreachable);
  }

  private FrameworkFindings findings(
      KeyId keyId,
      ModelAccess models,
      Optional<Integer> modelCount,
      boolean shared,
      CheckStatus status) {
    return new FrameworkFindings(
        fw,
        keyId.status(),
        keyId.resolvedId(),
        keyId.candidates(),
        keyId.identity(),
        models,
        modelCount,
        shared,
        status);
  }

  private void classProblems(KeyClass keyClass) {
    switch (keyClass) {
      case ADMIN ->
          fails.add(
              Problem.of(
                  fw.variable() + " holds an admin key, and admin keys cannot call models",
                  "Give the framework its own project key (sk-proj-…) in "
                      + fw.variable()
                      + "; an admin key belongs in OPENAI_ADMIN_KEY.",
                  ExitCategory.CONFIGURATION));
      case LEGACY_USER ->
          warns.add(
              Problem.of(
                  fw.variable()
                      + " holds a legacy user key: OpenAI lists project keys (sk-proj-…) with"
                      + " their ids, which is what accounting filters by",
                  "Create a project key for the framework and put it in " + fw.variable() + ".",
                  ExitCategory.CONFIGURATION));
      case UNKNOWN ->
          warns.add(
              Problem.of(
                  fw.variable() + " does not look like an OpenAI key (sk-proj-…)",
                  "Check the value of " + fw.variable() + " (from " + keyOrigin() + ").",
                  ExitCategory.CONFIGURATION));
      default -> {
        // Project and service-account keys are what a framework should have.
      }
    }
  }

  /** Adds a problem for every other holder of the key; true when there is one. */
  private boolean sharedKeyProblems() {
    List<String> others =
        context.config().frameworkKeys().stream()
            .filter(o -> !o.variable().equals(fw.variable()) && o.key().equals(fw.key()))
            .map(FrameworkKey::variable)
            .toList();
    boolean shared = false;
    if (!others.isEmpty()) {
      shared = true;
      fails.add(
          Problem.of(
              fw.variable()
                  + " holds the same key as "
                  + String.join(", ", others)
                  + " ("
                  + fw.key().redacted()
                  + "): the Usage API cannot tell their usage apart",
              "Create a separate project key for each framework.",
              ExitCategory.CONFIGURATION));
    }
    Optional<UsageKey> usage = context.config().findUsageKey();
    if (usage.isPresent() && usage.get().key().equals(fw.key())) {
      shared = true;
      fails.add(
          Problem.of(
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

  // ------------------------------------------------------------------ key id

  /** Compares the configured id with what the organization's listing says about the key. */
  private KeyId resolve(List<KeyIdentity> listing) {
    KeyResolution resolution = KeyIdResolver.match(fw, listing);
    List<String> candidates = resolution.matches().stream().map(KeyIdentity::id).toList();
    Optional<String> configured = fw.keyId();
    return switch (resolution.outcome()) {
      case UNIQUE -> {
        KeyIdentity found = resolution.identity().orElseThrow();
        KeyIdStatus status;
        if (configured.isEmpty()) {
          status = KeyIdStatus.RESOLVED;
        } else if (configured.get().equals(found.id())) {
          status = KeyIdStatus.CONFIRMED;
        } else {
          status = KeyIdStatus.CONFLICT;
          fails.add(
              Problem.of(
                  fw.keyIdVariable()
                      + " (from "
                      + idOrigin()
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
        yield new KeyId(status, Optional.of(found.id()), candidates, Optional.of(found));
      }
      case AMBIGUOUS -> {
        Optional<KeyIdentity> chosen =
            resolution.matches().stream()
                .filter(m -> configured.isPresent() && m.id().equals(configured.get()))
                .findFirst();
        if (chosen.isPresent()) {
          yield new KeyId(KeyIdStatus.CONFIRMED, Optional.empty(), candidates, chosen);
        }
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
        yield new KeyId(
            configured.isEmpty() ? KeyIdStatus.AMBIGUOUS : KeyIdStatus.CONFLICT,
            Optional.empty(),
            candidates,
            Optional.empty());
      }
      case NOT_FOUND -> notListed(listing, configured);
    };
  }

  private KeyId notListed(List<KeyIdentity> listing, Optional<String> configured) {
    Optional<KeyIdentity> byId =
        configured.flatMap(c -> listing.stream().filter(i -> i.id().equals(c)).findFirst());
    String checkKey =
        "Check "
            + fw.variable()
            + " (from "
            + keyOrigin()
            + ") against the API keys page on platform.openai.com";
    if (byId.isPresent()) {
      fails.add(
          Problem.of(
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
      return KeyId.of(KeyIdStatus.CONFLICT);
    }
    String notListed =
        "this key ("
            + fw.key().redacted()
            + ") is in none of the organization's projects: it is revoked, in an archived"
            + " project, or from another organization";
    fails.add(
        Problem.of(
            configured.isEmpty()
                ? notListed
                : notListed
                    + "; "
                    + fw.keyIdVariable()
                    + "="
                    + configured.get()
                    + " is not listed either",
            checkKey + "; if the key is right, set " + fw.keyIdVariable() + "=key_… by hand.",
            ExitCategory.CONFIGURATION));
    return KeyId.of(KeyIdStatus.NOT_FOUND);
  }

  /** The key id without a listing: the configured one, or none. */
  private KeyId unresolved() {
    if (fw.keyId().isPresent()) {
      return KeyId.of(KeyIdStatus.CONFIGURED);
    }
    if (context.listingRefused()) {
      fails.add(
          Problem.of(
              "no key id: "
                  + fw.keyIdVariable()
                  + " is not set, and the organization's keys could not be listed",
              "Set "
                  + fw.keyIdVariable()
                  + "=key_… by hand, or grant the usage key api.organization.read.",
              ExitCategory.KEY_REFUSED));
    } else if (!context.options().offline()) {
      incomplete = "key id not resolved: " + context.listingMissing();
    }
    return KeyId.of(KeyIdStatus.UNKNOWN);
  }

  // ------------------------------------------------------------------ models

  private Problem modelsRefused(KeyRefusedException e) {
    String status = "HTTP " + e.httpStatus().orElse(401);
    List<String> details = List.of(ApiFailures.openAiSaid(e));
    String where = fw.variable() + " (from " + keyOrigin() + ")";
    return switch (e.reason()) {
      case MISSING_SCOPES -> {
        String scopes = ApiFailures.missingScopes(e, "api.model.request");
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

  // ------------------------------------------------------------------ the one-line summary

  private String facts(
      KeyClass keyClass, KeyId keyId, ModelAccess models, Optional<Integer> modelCount) {
    boolean offline = context.options().offline();
    List<String> parts = new ArrayList<>();
    parts.add(fw.key().redacted() + " (" + keyClass.description() + ")");
    switch (keyId.status()) {
      case CONFIRMED ->
          parts.add(
              "key id "
                  + keyId.identity().orElseThrow().id()
                  + " ("
                  + fw.keyIdVariable()
                  + " agrees)");
      case RESOLVED -> parts.add("key id " + keyId.resolvedId().orElseThrow() + " (resolved)");
      case CONFIGURED ->
          parts.add(
              "key id "
                  + fw.keyId().orElseThrow()
                  + " (from "
                  + fw.keyIdVariable()
                  + ", not verified"
                  + (offline ? " offline" : "")
                  + ")");
      default -> {
        if (offline && fw.keyId().isEmpty()) {
          parts.add("key id not configured (resolved online)");
        }
      }
    }
    keyId
        .identity()
        .ifPresent(
            i -> {
              parts.add(i.describe());
              Instant used = i.key().lastUsedAt();
              parts.add(
                  used == null
                      ? "never used"
                      : "last used " + Phrases.ago(used, context.clock().instant()));
            });
    if (models == ModelAccess.OK) {
      parts.add("can call models (" + Phrases.plural(modelCount.orElse(0), "model") + " listed)");
    }
    if (offline) {
      parts.add("not checked against the API (offline)");
    }
    return String.join("; ", parts);
  }

  private String keyOrigin() {
    return fw.origin().describe();
  }

  private String idOrigin() {
    return context
        .config()
        .origin(fw.keyIdVariable())
        .map(VariableOrigin::describe)
        .orElse("environment");
  }
}
