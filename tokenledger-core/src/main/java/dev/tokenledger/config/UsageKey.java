package dev.tokenledger.config;

import dev.tokenledger.Require;

/**
 * The key that reads organization usage (an admin key with {@code api.usage.read}), with the
 * variable that supplied it and where that variable was set.
 */
public record UsageKey(ApiKey key, String variable, VariableOrigin origin) {
  public UsageKey {
    Require.nonNull("key variable origin", key, variable, origin);
  }
}
