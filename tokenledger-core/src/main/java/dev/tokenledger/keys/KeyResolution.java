package dev.tokenledger.keys;

import dev.tokenledger.config.FrameworkKey;
import java.util.List;
import java.util.Optional;

/**
 * What the organization's key listing says about one framework key: the one key it matches, none,
 * or several; and how that compares with the id configured in {@code OPENAI_API_KEY_<FW>_ID}.
 *
 * @param framework the framework key looked up
 * @param matches every listed key whose redacted value fits the framework key
 */
public record KeyResolution(FrameworkKey framework, List<KeyIdentity> matches) {
  public KeyResolution {
    matches = List.copyOf(matches);
  }

  /** How the lookup came out. */
  public enum Outcome {
    /** Exactly one listed key matches. */
    UNIQUE,
    /**
     * No listed key matches: the key is from another organization, revoked, or not a project key.
     */
    NOT_FOUND,
    /** Several listed keys share the same start and end; the id must be set by hand. */
    AMBIGUOUS
  }

  public Outcome outcome() {
    return matches.isEmpty()
        ? Outcome.NOT_FOUND
        : matches.size() == 1 ? Outcome.UNIQUE : Outcome.AMBIGUOUS;
  }

  /** The matched key when the match is unique. */
  public Optional<KeyIdentity> identity() {
    return outcome() == Outcome.UNIQUE ? Optional.of(matches.get(0)) : Optional.empty();
  }

  /** Whether an id is configured and differs from the unique match. */
  public boolean contradictsConfiguredId() {
    return framework.keyId().isPresent()
        && identity().isPresent()
        && !identity().get().id().equals(framework.keyId().get());
  }
}
