package dev.tokenledger.config;

import dev.tokenledger.Require;
import java.util.Optional;

/**
 * A framework's own key, from {@code OPENAI_API_KEY_<FW>}, with its key id from {@code
 * OPENAI_API_KEY_<FW>_ID} when that is set.
 *
 * @param name the framework, lower case ({@code chatdev} for {@code OPENAI_API_KEY_CHATDEV})
 * @param key the key, handed to the framework's process as {@code OPENAI_API_KEY}
 * @param keyId the key's id ({@code key_…}) if configured; otherwise resolved through the API
 * @param variable the variable that holds the key
 * @param origin where that variable was set
 */
public record FrameworkKey(
    String name, ApiKey key, Optional<String> keyId, String variable, VariableOrigin origin) {

  public FrameworkKey {
    Require.nonNull("name key keyId variable origin", name, key, keyId, variable, origin);
  }

  /** The variable that holds (or would hold) this key's id: {@code OPENAI_API_KEY_<FW>_ID}. */
  public String keyIdVariable() {
    return variable + "_ID";
  }
}
