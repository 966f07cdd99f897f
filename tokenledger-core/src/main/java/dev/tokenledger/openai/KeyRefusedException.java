package dev.tokenledger.openai;

import dev.tokenledger.config.KeyClass;
import java.util.List;
import java.util.Optional;

/** OpenAI refused the key (HTTP 401 or 403): it is wrong, lacks scopes, or lacks permission. */
public class KeyRefusedException extends OpenAiException {
  private static final long serialVersionUID = 1L;

  /** Why the key was refused. */
  public enum Reason {
    /** "Missing scopes: …": the key is valid but lacks the scopes in {@link #missingScopes()}. */
    MISSING_SCOPES,
    /** "Incorrect API key provided" or code {@code invalid_api_key}: the key itself is wrong. */
    INVALID_KEY,
    /** Another 403: the key's owner may not do this. */
    PERMISSION_DENIED,
    /** Another 401. */
    OTHER
  }

  private final Reason reason;
  private final List<String> missingScopes;
  private final KeyClass keyClass;

  /**
   * A refusal of a key of {@code keyClass} (the class only: the key is never kept; {@code null}
   * when unknown).
   */
  public KeyRefusedException(
      String message,
      ApiCall call,
      int httpStatus,
      ApiError apiError,
      Reason reason,
      List<String> missingScopes,
      KeyClass keyClass) {
    super(message, call, httpStatus, apiError, null);
    this.reason = reason;
    this.missingScopes = List.copyOf(missingScopes);
    this.keyClass = keyClass;
  }

  /** The class of the refused key (admin, service account, project…), if known. */
  public Optional<KeyClass> keyClass() {
    return Optional.ofNullable(keyClass);
  }

  public Reason reason() {
    return reason;
  }

  /** The scopes OpenAI named as missing, e.g. {@code [api.usage.read]}; empty otherwise. */
  public List<String> missingScopes() {
    return missingScopes;
  }
}
