package dev.tokenledger.ledger.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A WHERE clause built from optional filters, with its arguments in the order of its {@code ?}. */
public final class Where {
  private final StringBuilder sql = new StringBuilder("WHERE 1 = 1");
  private final List<Object> args = new ArrayList<>();

  /** Adds {@code condition} with the arguments of its {@code ?}s. */
  public Where and(String condition, Object... values) {
    sql.append(" AND ").append(condition);
    args.addAll(Arrays.asList(values));
    return this;
  }

  /** Adds {@code condition} (one {@code ?}) with {@code value}; nothing when the value is null. */
  public Where andIfGiven(String condition, Object value) {
    return value == null ? this : and(condition, value);
  }

  /** The clause followed by {@code orderBy}, e.g. {@code ORDER BY started_at}. */
  public String then(String orderBy) {
    return sql + " " + orderBy;
  }

  public List<Object> args() {
    return args;
  }
}
