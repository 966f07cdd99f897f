package dev.tokenledger.config;

import java.util.Objects;

/**
 * The key that reads organization usage (an admin key with {@code api.usage.read}), with the
 * variable that supplied it and where that variable was set.
 */
public record UsageKey(ApiKey key, String variable, VariableOrigin origin) {
  public UsageKey {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(variable, "variable");
    Objects.requireNonNull(origin, "origin");
  }
}
