package dev.tokenledger.sim;

import dev.tokenledger.config.ApiKey;
import dev.tokenledger.config.KeyClass;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/** The simulated organization: projects, keys, and when each key was last used. */
final class KeyRegistry {
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final Clock clock;
  private final Random random;
  private final Map<String, SimKey> byValue = new HashMap<>();
  private final Map<String, SimKey> byId = new LinkedHashMap<>();
  private final Map<String, SimProject> projects = new LinkedHashMap<>();
  private final Map<String, Instant> lastUsed = new HashMap<>();
  private final Set<String> lastFours = new HashSet<>();
  private SimOwner defaultUser;

  KeyRegistry(Clock clock, long seed) {
    this.clock = clock;
    this.random = new Random(seed);
  }

  synchronized SimProject addProject(String id, String name) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("a project needs an id, e.g. proj_abc");
    }
    SimProject existing = projects.get(id);
    if (existing != null) {
      return existing;
    }
    SimProject p = new SimProject(id, name == null ? id : name, clock.instant(), null);
    projects.put(id, p);
    return p;
  }

  synchronized SimKey register(SimKey.Builder b) {
    Instant now = clock.instant();
    String value = b.value != null ? b.value : newValue(b.keyClass);
    if (byValue.containsKey(value)) {
      throw new IllegalArgumentException(
          "this key value is already registered (" + ApiKey.redact(value) + ")");
    }
    String id = b.id != null ? b.id : "key_" + randomString(16);
    if (byId.containsKey(id)) {
      throw new IllegalArgumentException("key id " + id + " is already registered");
    }
    if (b.projectId != null) {
      addProject(b.projectId, b.projectName);
    }
    SimOwner owner = b.owner != null ? b.owner : defaultOwner(b.keyClass, b.name);
    SimKey key =
        new SimKey(
            ApiKey.of(value),
            id,
            b.name,
            b.projectId,
            owner.withCreatedAt(now),
            b.scopes,
            b.createdAt != null ? b.createdAt : now,
            b.ownerHasProjectAccess);
    byValue.put(value, key);
    byId.put(id, key);
    lastFours.add(value.substring(value.length() - 4));
    return key;
  }

  private SimOwner defaultOwner(KeyClass keyClass, String keyName) {
    if (keyClass == KeyClass.SERVICE_ACCOUNT) {
      return SimOwner.serviceAccount("svc_acct_" + randomString(24), keyName);
    }
    if (defaultUser == null) {
      defaultUser = SimOwner.user("user-" + randomString(24), "Sim User", "sim-user@example.com");
    }
    return defaultUser;
  }

  /** A random, obviously fake key whose last four characters no other key has. */
  private String newValue(KeyClass keyClass) {
    while (true) {
      String v = keyClass.prefix() + "sim" + randomString(keyClass == KeyClass.ADMIN ? 64 : 48);
      if (!lastFours.contains(v.substring(v.length() - 4))) {
        return v;
      }
    }
  }

  private String randomString(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
    }
    return sb.toString();
  }

  synchronized Optional<SimKey> byValue(String value) {
    return Optional.ofNullable(byValue.get(value));
  }

  synchronized Optional<SimKey> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  synchronized List<SimKey> keys() {
    return List.copyOf(byId.values());
  }

  synchronized List<SimProject> projects() {
    return List.copyOf(projects.values());
  }

  synchronized Optional<SimProject> project(String id) {
    return Optional.ofNullable(projects.get(id));
  }

  synchronized void markUsed(SimKey key, Instant at) {
    lastUsed.merge(key.id(), at, (a, b) -> a.isAfter(b) ? a : b);
  }

  synchronized Instant lastUsed(String keyId) {
    return lastUsed.get(keyId);
  }

  synchronized List<SimKey> keysOfProject(String projectId) {
    List<SimKey> out = new ArrayList<>();
    for (SimKey k : byId.values()) {
      if (projectId.equals(k.projectId())) {
        out.add(k);
      }
    }
    return out;
  }
}
