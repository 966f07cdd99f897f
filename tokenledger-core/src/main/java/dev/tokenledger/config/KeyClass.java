package dev.tokenledger.config;

import java.util.Locale;

/**
 * The kind of an OpenAI API key, told by its prefix; only admin keys can read organization usage.
 */
public enum KeyClass {
  ADMIN("sk-admin-", "admin key"),
  SERVICE_ACCOUNT("sk-svcacct-", "service-account key"),
  PROJECT("sk-proj-", "project key"),
  LEGACY_USER("sk-", "legacy user key"),
  UNKNOWN("", "unrecognised key");

  private final String prefix;
  private final String description;

  KeyClass(String prefix, String description) {
    this.prefix = prefix;
    this.description = description;
  }

  /** The prefix that marks this class, e.g. {@code sk-admin-}; empty for {@link #UNKNOWN}. */
  public String prefix() {
    return prefix;
  }

  /** A human name such as "project key". */
  public String description() {
    return description;
  }

  /** Whether a key of this class can be granted the organization read scopes. */
  public boolean canReadOrganization() {
    return this == ADMIN;
  }

  /** The class of {@code value}, by its prefix; the longest matching prefix wins. */
  public static KeyClass of(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    String v = value.strip().toLowerCase(Locale.ROOT);
    for (KeyClass c : new KeyClass[] {ADMIN, SERVICE_ACCOUNT, PROJECT, LEGACY_USER}) {
      if (v.startsWith(c.prefix)) {
        return c;
      }
    }
    return UNKNOWN;
  }
}
