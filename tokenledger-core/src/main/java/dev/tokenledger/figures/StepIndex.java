package dev.tokenledger.figures;

/**
 * Which step of a run a figure belongs to: the step's index as the ledger records it (1, 2, …), or
 * {@link #OUTSIDE} (0) for the run's usage in minutes no step reaches. A figure of the whole run
 * has no step index ({@code null}).
 */
public record StepIndex(int value) implements Comparable<StepIndex> {
  /** The run's usage outside every step. */
  public static final StepIndex OUTSIDE = new StepIndex(0);

  public StepIndex {
    if (value < 0) {
      throw new IllegalArgumentException("a step index cannot be negative, got " + value);
    }
  }

  /** The step with index {@code value} (0: outside every step). */
  public static StepIndex of(int value) {
    return value == 0 ? OUTSIDE : new StepIndex(value);
  }

  /** Whether this is the run's usage outside every step. */
  public boolean isOutside() {
    return value == 0;
  }

  @Override
  public int compareTo(StepIndex other) {
    return Integer.compare(value, other.value);
  }

  /** The index as a number, e.g. {@code 3}: how every output writes it. */
  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
