package dev.tokenledger.figures;

import java.util.Comparator;

/**
 * The grouping dimensions of a usage row other than minute and key: what a cost depends on. Any of
 * them may be {@code null} ("not grouped by that", as the Usage API says).
 */
public record UsageLine(String model, String serviceTier, Boolean batch, String projectId)
    implements Comparable<UsageLine> {

  private static final Comparator<UsageLine> ORDER =
      Comparator.comparing(UsageLine::model, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(UsageLine::serviceTier, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(UsageLine::batch, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(UsageLine::projectId, Comparator.nullsFirst(Comparator.naturalOrder()));

  @Override
  public int compareTo(UsageLine other) {
    return ORDER.compare(this, other);
  }
}
