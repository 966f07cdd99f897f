package dev.tokenledger;

import java.time.Instant;

/**
 * The checks value records make in their compact constructors, one line for all the components that
 * must be present instead of one {@code Objects.requireNonNull} each.
 *
 * <p>Records made once per usage row or per bucket ({@code UsageRow}, {@code LocalRequest}, {@code
 * SharedMinute}, {@code LineFigure}, the step and run windows, the API's result rows) keep their
 * own checks: {@link #nonNull} allocates its varargs array on every call, and the launcher's C1
 * compiler ({@code -XX:TieredStopAtLevel=1}) does no escape analysis to remove it.
 */
public final class Require {
  private Require() {}

  /**
   * Throws a {@link NullPointerException} whose message is the name of the first null value, as
   * {@code Objects.requireNonNull(value, name)} does.
   *
   * @param names the values' names, separated by spaces, in the order of {@code values}
   */
  public static void nonNull(String names, Object... values) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        String[] split = names.split(" ");
        throw new NullPointerException(i < split.length ? split[i] : "value " + (i + 1));
      }
    }
  }

  /**
   * Requires {@code start} and {@code end} and a window {@code [start, end)} that is not empty; the
   * message starts with {@code what}, e.g. "the window must end after it starts: start …, end …".
   */
  public static void window(String what, Instant start, Instant end) {
    nonNull("start end", start, end);
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException(
          what + " must end after it starts: start " + start + ", end " + end);
    }
  }
}
