package dev.tokenledger.keys;

import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.MeterStore;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.openai.OpenAiAdminClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Finds the key id of runs recorded with a salted key fingerprint and no id (docs/metering.md):
 * from the ledger's fingerprint → id mapping; else, when the framework's key is at hand and has the
 * run's fingerprint, from {@code OPENAI_API_KEY_<FW>_ID} or through the Projects API. What it finds
 * is stored in the ledger, for the run and every request and run with the same fingerprint.
 */
public final class FingerprintResolver {
  private final Ledger ledger;
  private final MeterStore store;
  private final Map<String, FrameworkKey> keys = new HashMap<>();
  private final OpenAiAdminClient admin;
  private final Consumer<String> warnings;
  private KeyIdResolver listing;

  /**
   * @param frameworkKeys the framework keys at hand (may be none)
   * @param admin lists the organization's keys, or null: the mapping and configured ids only
   */
  public FingerprintResolver(
      Ledger ledger,
      List<FrameworkKey> frameworkKeys,
      OpenAiAdminClient admin,
      Consumer<String> warnings) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.store = ledger.meterStore();
    frameworkKeys.forEach(k -> keys.put(k.name(), k));
    this.admin = admin;
    this.warnings = Objects.requireNonNull(warnings, "warnings");
  }

  /**
   * The key id of {@code run} when it has none but a fingerprint that can be resolved; stored in
   * the ledger before it is returned.
   */
  public Optional<String> resolve(RunRecord run) {
    if (run.apiKeyId() != null || run.keyFingerprint() == null) {
      return Optional.ofNullable(run.apiKeyId());
    }
    String fingerprint = run.keyFingerprint();
    Optional<String> id = store.keyId(fingerprint);
    if (id.isEmpty()) {
      id = fromFrameworkKey(run.framework(), fingerprint);
    }
    id.ifPresent(found -> store.resolveKey(fingerprint, found));
    return id;
  }

  private Optional<String> fromFrameworkKey(String framework, String fingerprint) {
    FrameworkKey key = keys.get(framework);
    if (key == null || !ledger.keyFingerprint(key.key()).equals(fingerprint)) {
      return Optional.empty();
    }
    if (key.keyId().isPresent()) {
      return key.keyId();
    }
    if (admin == null) {
      return Optional.empty();
    }
    try {
      if (listing == null) {
        listing = new KeyIdResolver(admin);
      }
      return listing.idOf(key.key());
    } catch (RuntimeException e) {
      warnings.accept(
          "tokenledger: warning: cannot resolve the id of the "
              + framework
              + " key ("
              + key.key().redacted()
              + ") through the Projects API: "
              + key.key().scrub(e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * Why a run of {@code framework} recorded now will have no key id, or empty when it will (its id
   * is configured, or an admin key can resolve its fingerprint later).
   */
  public static Optional<String> recordingWarning(FrameworkKey key, boolean adminKeyConfigured) {
    if (key.keyId().isPresent() || adminKeyConfigured) {
      return Optional.empty();
    }
    return Optional.of(
        "the "
            + key.name()
            + " key has no id ("
            + key.keyIdVariable()
            + " is not set) and no admin key is configured to resolve it: reconcile cannot read"
            + " this run's usage until one of them is set (its salted fingerprint is stored, so"
            + " either works later)");
  }
}
