package dev.tokenledger.report;

import dev.tokenledger.figures.ReconcileStatus;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A run's status as reports show it: its reconcile status, except that a metered run stays {@link
 * #METERED} until the Usage API has audited it (final, warning or error).
 */
public enum RunStatus {
  PENDING,
  SETTLING,
  FINAL,
  WARNING,
  ERROR,
  /** Metered, not audited by the Usage API yet: its metered figures stand. */
  METERED;

  /** The status of a run whose figures come from the Usage API alone. */
  public static RunStatus of(ReconcileStatus status) {
    return switch (status) {
      case PENDING -> PENDING;
      case SETTLING -> SETTLING;
      case FINAL -> FINAL;
      case WARNING -> WARNING;
      case ERROR -> ERROR;
    };
  }

  /** The status of a metered run: {@link #METERED} until an audit settled it. */
  public static RunStatus metered(ReconcileStatus status) {
    return switch (status) {
      case FINAL, WARNING, ERROR -> of(status);
      case PENDING, SETTLING -> METERED;
    };
  }

  /** The status a {@code --status} word names, empty for a word no run has. */
  public static Optional<RunStatus> ofLabel(String word) {
    return Optional.ofNullable(BY_LABEL.get(word));
  }

  private static final Map<String, RunStatus> BY_LABEL =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(RunStatus::label, s -> s));

  /** The lower-case word reports write, e.g. {@code final}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
