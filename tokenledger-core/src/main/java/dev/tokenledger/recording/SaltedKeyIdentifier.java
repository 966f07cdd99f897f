package dev.tokenledger.recording;

import dev.tokenledger.config.ApiKey;
import dev.tokenledger.keys.KeyIdResolver;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.MeterStore;
import dev.tokenledger.metering.KeyIdentifier;
import dev.tokenledger.openai.OpenAiAdminClient;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@link KeyIdentifier} of a ledger: a bearer key's fingerprint is HMAC-SHA256 under the
 * ledger's key salt, and its id is what the ledger already knows for that fingerprint or, with an
 * admin client, what the Projects API lists for the key, looked up once per key on a background
 * thread. {@link #identify} never blocks on the network: until the id is known it answers with the
 * fingerprint alone, and the ledger gives the id to the requests and runs recorded with that
 * fingerprint once it is found.
 */
public final class SaltedKeyIdentifier implements KeyIdentifier, AutoCloseable {
  private final String salt;
  private final MeterStore store;
  private final Function<ApiKey, Optional<String>> lookup;
  private final Consumer<String> warnings;
  private final Map<String, String> ids = new ConcurrentHashMap<>();
  private final Set<String> asked = ConcurrentHashMap.newKeySet();
  private final ExecutorService background;

  private SaltedKeyIdentifier(
      Ledger ledger, Function<ApiKey, Optional<String>> lookup, Consumer<String> warnings) {
    this.salt = ledger.keySalt();
    this.store = ledger.meterStore();
    this.lookup = lookup;
    this.warnings = warnings;
    this.ids.putAll(store.keyIds());
    this.background =
        lookup == null
            ? null
            : Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "tokenledger-key-ids");
                  t.setDaemon(true);
                  return t;
                });
  }

  /**
   * The identifier of {@code ledger}; {@code admin} (null: none) resolves unknown keys through the
   * Projects API (scope {@code api.organization.read}).
   */
  public static SaltedKeyIdentifier open(
      Ledger ledger, OpenAiAdminClient admin, Consumer<String> warnings) {
    return open(ledger, admin == null ? null : key -> new KeyIdResolver(admin).idOf(key), warnings);
  }

  /** The identifier of {@code ledger}, resolving unknown keys with {@code lookup} (null: never). */
  public static SaltedKeyIdentifier open(
      Ledger ledger, Function<ApiKey, Optional<String>> lookup, Consumer<String> warnings) {
    return new SaltedKeyIdentifier(
        Objects.requireNonNull(ledger, "ledger"),
        lookup,
        Objects.requireNonNull(warnings, "warnings"));
  }

  @Override
  public KeyRef identify(String bearerKey) {
    String fingerprint = ApiKey.fingerprint(salt, bearerKey);
    String id = ids.get(fingerprint);
    if (id == null && background != null && asked.add(fingerprint)) {
      ApiKey key = ApiKey.of(bearerKey);
      try {
        background.execute(() -> resolve(key, fingerprint));
      } catch (RuntimeException e) {
        asked.remove(fingerprint);
      }
    }
    return new KeyRef(fingerprint, id);
  }

  private void resolve(ApiKey key, String fingerprint) {
    try {
      Optional<String> id = lookup.apply(key);
      if (id.isPresent()) {
        store.resolveKey(fingerprint, id.get());
        ids.put(fingerprint, id.get());
      } else {
        warnings.accept(
            "tokenledger: warning: the key "
                + key.redacted()
                + " is not (or not uniquely) among the organization's project keys: its metered"
                + " requests keep a fingerprint until reconcile resolves it (or set"
                + " OPENAI_API_KEY_<FW>_ID)");
      }
    } catch (RuntimeException e) {
      warnings.accept(
          "tokenledger: warning: cannot resolve the id of the key "
              + key.redacted()
              + " ("
              + key.scrub(e.getMessage())
              + "): its metered requests keep a fingerprint until reconcile resolves it");
    }
  }

  /** Waits for the lookups asked for so far (tests); a no-op without a lookup. */
  public void awaitLookups() throws InterruptedException {
    if (background == null) {
      return;
    }
    try {
      background.submit(() -> {}).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (background != null) {
      background.shutdownNow();
      try {
        background.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
