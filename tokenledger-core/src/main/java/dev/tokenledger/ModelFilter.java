package dev.tokenledger;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The models a user asks for ({@code --model}), as they name them: an undated name ({@code
 * gpt-4o-mini}) matches itself and its dated snapshots ({@code gpt-4o-mini-2024-07-18}), which is
 * what the Usage API files usage under; a dated name matches only itself.
 *
 * @param names the names given, stripped, each once, in order; empty for every model
 */
public record ModelFilter(List<String> names) {
  /** Every model. */
  public static final ModelFilter ALL = new ModelFilter(List.of());

  private static final Pattern ISO_DATE_SUFFIX = Pattern.compile("^(.+)-\\d{4}-\\d{2}-\\d{2}$");
  private static final Pattern MONTH_DAY_SUFFIX =
      Pattern.compile("^(.+)-(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])$");

  public ModelFilter {
    Set<String> distinct = new LinkedHashSet<>();
    for (String n : names) {
      if (n != null && !n.isBlank()) {
        distinct.add(n.strip());
      }
    }
    names = List.copyOf(distinct);
  }

  /** A filter of {@code names}; {@link #ALL} when there are none. */
  public static ModelFilter of(List<String> names) {
    return names == null ? ALL : new ModelFilter(names);
  }

  /** Whether this filter lets every model through. */
  public boolean isAll() {
    return names.isEmpty();
  }

  /**
   * Whether every name is dated, so that the API's exact {@code models[]} filter selects the same
   * usage as this filter.
   */
  public boolean exactOnly() {
    return names.stream().allMatch(ModelFilter::isDated);
  }

  /** Whether {@code model} passes: always for {@link #ALL}. */
  public boolean matches(String model) {
    return isAll() || matchedBy(model).isPresent();
  }

  /** The name given that {@code model} matches: itself, or its undated name. */
  public Optional<String> matchedBy(String model) {
    if (model == null) {
      return Optional.empty();
    }
    Optional<String> base = undated(model);
    for (String n : names) {
      if (n.equals(model) || base.map(n::equals).orElse(false)) {
        return Optional.of(n);
      }
    }
    return Optional.empty();
  }

  /** {@code gpt-4o-mini} for {@code gpt-4o-mini-2024-07-18} or {@code gpt-4-0613}; else empty. */
  public static Optional<String> undated(String model) {
    for (Pattern suffix : new Pattern[] {ISO_DATE_SUFFIX, MONTH_DAY_SUFFIX}) {
      Matcher m = suffix.matcher(model);
      if (m.matches()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /** Whether {@code model} ends in a snapshot date. */
  public static boolean isDated(String model) {
    return undated(model).isPresent();
  }

  /**
   * What the names matched, for the line that says so: {@code gpt-4o-mini matched
   * gpt-4o-mini-2024-07-18}, one clause per name; a name that matched only itself is left out.
   */
  public String describe(Set<String> seen) {
    List<String> clauses = new ArrayList<>();
    for (String n : names) {
      List<String> snapshots =
          seen.stream().filter(m -> !m.equals(n) && n.equals(matchedBy(m).orElse(null))).toList();
      boolean itself = seen.contains(n);
      if (!snapshots.isEmpty()) {
        clauses.add(
            n
                + " matched "
                + (itself ? n + ", " : "")
                + String.join(", ", snapshots)
                + (snapshots.size() > 1 ? " (its dated snapshots)" : " (its dated snapshot)"));
      } else if (!itself) {
        clauses.add(n + " matched nothing");
      }
    }
    return String.join("; ", clauses);
  }
}
