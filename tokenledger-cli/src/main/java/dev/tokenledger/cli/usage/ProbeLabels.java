package dev.tokenledger.cli.usage;

import java.util.Optional;

/**
 * What the renderers say about a probe beyond its figures: how the window was asked for, where the
 * usage key came from (its variable and redacted form only), and the framework filtered by.
 *
 * @param windowPhrase "the last hour", or "2025-10-27T10:00:00Z to 2025-10-27T11:00:00Z"
 * @param usageKeyVariable the variable that supplied the usage key
 * @param usageKeyRedacted the usage key's redacted form
 * @param framework the framework whose key was filtered by, if any
 */
record ProbeLabels(
    String windowPhrase,
    String usageKeyVariable,
    String usageKeyRedacted,
    Optional<String> framework) {}
