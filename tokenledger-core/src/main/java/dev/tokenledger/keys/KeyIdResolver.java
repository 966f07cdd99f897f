package dev.tokenledger.keys;

import dev.tokenledger.ConfigurationException;
import dev.tokenledger.config.ApiKey;
import dev.tokenledger.config.FrameworkKey;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.Project;
import dev.tokenledger.openai.ProjectApiKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds the id of a framework key by listing the organization's projects and their API keys and
 * matching the key's start and end against each {@code redacted_value} (docs/design.md §1). It
 * needs the {@code api.organization.read} scope; the listing is read once per resolver.
 */
public final class KeyIdResolver {
  private final OpenAiAdminClient client;
  private List<KeyIdentity> listing;

  public KeyIdResolver(OpenAiAdminClient client) {
    this.client = client;
  }

  /** What the listing says about {@code framework}. */
  public KeyResolution resolve(FrameworkKey framework) {
    return match(framework, listing());
  }

  /**
   * The id of the one listed key {@code key} fits (by its start and last characters); empty when
   * none or several do.
   */
  public Optional<String> idOf(ApiKey key) {
    List<KeyIdentity> matches = new ArrayList<>();
    for (KeyIdentity identity : listing()) {
      if (key.matchesRedacted(identity.key().redactedValue())) {
        matches.add(identity);
      }
    }
    return matches.size() == 1 ? Optional.of(matches.get(0).id()) : Optional.empty();
  }

  /** What {@code listing}, read beforehand, says about {@code framework}. */
  public static KeyResolution match(FrameworkKey framework, List<KeyIdentity> listing) {
    List<KeyIdentity> matches = new ArrayList<>();
    for (KeyIdentity identity : listing) {
      if (framework.key().matchesRedacted(identity.key().redactedValue())) {
        matches.add(identity);
      }
    }
    return new KeyResolution(framework, matches);
  }

  /**
   * The key id to filter usage by: {@code OPENAI_API_KEY_<FW>_ID} when set, otherwise the unique
   * match in the listing.
   *
   * @throws ConfigurationException when the listing has no match or several
   */
  public String keyId(FrameworkKey framework) {
    if (framework.keyId().isPresent()) {
      return framework.keyId().get();
    }
    KeyResolution resolution = resolve(framework);
    return switch (resolution.outcome()) {
      case UNIQUE -> resolution.identity().orElseThrow().id();
      case NOT_FOUND ->
          throw new ConfigurationException(
              "the "
                  + framework.name()
                  + " key ("
                  + framework.key().redacted()
                  + ") is not among the organization's project keys: it may be revoked or"
                  + " from another organization. Set "
                  + framework.keyIdVariable()
                  + "=key_… by hand (the key's id from the API keys page), or fix "
                  + framework.variable());
      case AMBIGUOUS ->
          throw new ConfigurationException(
              "the "
                  + framework.name()
                  + " key ("
                  + framework.key().redacted()
                  + ") matches "
                  + resolution.matches().size()
                  + " listed keys ("
                  + resolution.matches().stream()
                      .map(KeyIdentity::id)
                      .collect(Collectors.joining(", "))
                  + "): set "
                  + framework.keyIdVariable()
                  + " to the right one");
    };
  }

  private List<KeyIdentity> listing() {
    if (listing == null) {
      List<KeyIdentity> all = new ArrayList<>();
      for (Project project : client.projects()) {
        for (ProjectApiKey key : client.projectApiKeys(project.id())) {
          all.add(new KeyIdentity(key, project));
        }
      }
      listing = List.copyOf(all);
    }
    return listing;
  }
}
