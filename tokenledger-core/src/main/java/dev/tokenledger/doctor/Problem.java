package dev.tokenledger.doctor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** One thing wrong: what, more about it, what to do, and what kind of problem it is. */
record Problem(String message, List<String> details, List<String> fix, ExitCategory category) {

  Problem {
    details = List.copyOf(details);
    fix = List.copyOf(fix);
  }

  /** A problem with one fix line, or none when {@code fix} is null. */
  static Problem of(String message, String fix, ExitCategory category) {
    return new Problem(message, List.of(), fix == null ? List.of() : List.of(fix), category);
  }

  /** Each problem's message followed by its details. */
  static List<String> messages(List<Problem> problems) {
    List<String> out = new ArrayList<>();
    for (Problem p : problems) {
      out.add(p.message());
      out.addAll(p.details());
    }
    return out;
  }

  /** The fixes of all problems in order, each once. */
  @SafeVarargs
  static List<String> fixes(List<Problem>... groups) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (List<Problem> group : groups) {
      group.forEach(p -> out.addAll(p.fix()));
    }
    return List.copyOf(out);
  }
}
