package dev.tokenledger.sim;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Scripts faults per endpoint and per key: a queue ("the next 2 requests to {@code
 * /organization/usage/completions} get 429") consumed in order, and seeded random faults that hit a
 * share of matching requests. Paths are relative to the base URL; a prefix such as {@code
 * /organization/usage} covers every endpoint under it.
 */
public final class SimFaults {
  private final List<Rule> scripted = new ArrayList<>();
  private final List<Rule> random = new ArrayList<>();
  private final Random rng;

  SimFaults(long seed) {
    this.rng = new Random(seed);
  }

  /** Faults for requests to {@code pathPrefix} (e.g. {@code /organization/usage/completions}). */
  public Scope onPath(String pathPrefix) {
    return new Scope(normalize(pathPrefix), null);
  }

  /** Faults for requests made with the key whose id is {@code keyId}. */
  public Scope onKey(String keyId) {
    return new Scope(null, keyId);
  }

  /** Faults for any request. */
  public Scope onAnyRequest() {
    return new Scope(null, null);
  }

  /** Drops every scripted and random fault. */
  public synchronized void clear() {
    scripted.clear();
    random.clear();
  }

  /** How many scripted faults have not been used yet. */
  public synchronized int pending() {
    int n = 0;
    for (Rule r : scripted) {
      n += r.remaining;
    }
    return n;
  }

  /** Which requests a fault applies to; build faults from here. */
  public final class Scope {
    private final String pathPrefix;
    private final String keyId;

    private Scope(String pathPrefix, String keyId) {
      this.pathPrefix = pathPrefix;
      this.keyId = keyId;
    }

    /** Narrows this scope to requests made with key {@code keyId}. */
    public Scope andKey(String keyId) {
      return new Scope(pathPrefix, keyId);
    }

    /** Narrows this scope to requests to {@code pathPrefix}. */
    public Scope andPath(String pathPrefix) {
      return new Scope(normalize(pathPrefix), keyId);
    }

    /** The next {@code count} matching requests fail with {@code fault}, after earlier scripts. */
    public Scope next(int count, Fault fault) {
      if (count < 1) {
        throw new IllegalArgumentException("count must be at least 1, but was " + count);
      }
      synchronized (SimFaults.this) {
        scripted.add(new Rule(pathPrefix, keyId, count, 0, List.of(fault)));
      }
      return this;
    }

    /**
     * Each matching request fails with {@code probability}, with one of {@code faults} chosen at
     * random; the choice is seeded, so a run replays the same way.
     */
    public Scope randomly(double probability, Fault... faults) {
      if (!(probability >= 0 && probability <= 1)) {
        throw new IllegalArgumentException("probability must be in [0, 1], but was " + probability);
      }
      if (faults.length == 0) {
        throw new IllegalArgumentException("name at least one fault to pick from");
      }
      synchronized (SimFaults.this) {
        random.add(new Rule(pathPrefix, keyId, 0, probability, List.of(faults)));
      }
      return this;
    }
  }

  private static final class Rule {
    final String pathPrefix;
    final String keyId;
    int remaining;
    final double probability;
    final List<Fault> faults;

    Rule(String pathPrefix, String keyId, int remaining, double probability, List<Fault> faults) {
      this.pathPrefix = pathPrefix;
      this.keyId = keyId;
      this.remaining = remaining;
      this.probability = probability;
      this.faults = faults;
    }

    boolean matches(String path, String key) {
      boolean pathOk =
          pathPrefix == null || path.equals(pathPrefix) || path.startsWith(pathPrefix + "/");
      boolean keyOk = keyId == null || keyId.equals(key);
      return pathOk && keyOk;
    }
  }

  /** The fault for a request to {@code path} (relative) with key id {@code keyId}, or null. */
  synchronized Fault take(String path, String keyId) {
    for (Iterator<Rule> it = scripted.iterator(); it.hasNext(); ) {
      Rule r = it.next();
      if (r.matches(path, keyId)) {
        r.remaining--;
        if (r.remaining == 0) {
          it.remove();
        }
        return r.faults.get(0);
      }
    }
    for (Rule r : random) {
      if (r.matches(path, keyId) && rng.nextDouble() < r.probability) {
        return r.faults.get(rng.nextInt(r.faults.size()));
      }
    }
    return null;
  }

  static String normalize(String path) {
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException(
          "a fault path starts with /, e.g. /organization/usage/completions, not " + path);
    }
    String p = path.startsWith("/v1/") ? path.substring(3) : path;
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
