package dev.tokenledger.openai;

import dev.tokenledger.config.KeyClass;
import java.util.List;

/**
 * What to do when OpenAI refuses the usage key, by the key's class: the one advice {@code doctor},
 * {@code usage} and every other command give. Only admin keys can read organization usage, so
 * granting a scope helps an admin key and nothing else: a service-account key with {@code
 * api.usage.read} (what genai-devbench's guide suggested) is refused all the same.
 */
public final class UsageKeyAdvice {
  /** Where admin keys are made and their scopes granted. */
  public static final String ADMIN_KEYS_PAGE =
      "platform.openai.com: Settings > Organization > Admin keys";

  private UsageKeyAdvice() {}

  /** Whether granting scopes can make a key of this class read organization usage. */
  public static boolean scopesCanHelp(KeyClass keyClass) {
    return keyClass == null || keyClass == KeyClass.ADMIN || keyClass == KeyClass.UNKNOWN;
  }

  /**
   * Why a key of this class was refused a missing scope, when the scope is not the point: {@code A
   * service-account key cannot read organization usage, whatever its scopes: …}; empty for admin
   * keys, which only lack the scope.
   */
  public static List<String> why(KeyClass keyClass) {
    if (scopesCanHelp(keyClass)) {
      return List.of();
    }
    return List.of(
        "A "
            + keyClass.description()
            + " cannot read organization usage, whatever its scopes: the organization Usage and"
            + " Costs endpoints take admin keys (sk-admin-…) only, so granting this key"
            + " api.usage.read does not help.");
  }

  /**
   * The fixes for a key refused for missing {@code scopes}, one sentence each; {@code placement}
   * says where the usage key goes ({@code in /home/me/exp/.env as OPENAI_ADMIN_KEY}), {@code rerun}
   * the command to run again.
   */
  public static List<String> missingScopes(
      KeyClass keyClass, List<String> scopes, String placement, String rerun) {
    String named = scopes.isEmpty() ? "api.usage.read" : String.join(", ", scopes);
    if (!scopesCanHelp(keyClass)) {
      return List.of(
          "Have an organization owner create an admin key ("
              + ADMIN_KEYS_PAGE
              + ") with api.usage.read (and api.organization.read, for key ids and names), and put"
              + " it "
              + placement
              + " in place of this "
              + keyClass.description()
              + ";",
          "if this key belongs to a framework, move it to OPENAI_API_KEY_<NAME>, where it calls"
              + " models; then run "
              + rerun
              + " again.");
    }
    return List.of(
        "Either grant this key "
            + named
            + " (the key's permissions, "
            + ADMIN_KEYS_PAGE
            + "), wait 1-2 minutes for the change to propagate, and run "
            + rerun
            + " again;",
        "or create a new admin key with api.usage.read (and api.organization.read, for key ids"
            + " and names) and put it "
            + placement
            + ".");
  }
}
