package dev.tokenledger.openai;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A query to {@code /organization/costs}: daily buckets only, grouped by project, line item or API
 * key; validated when built and aligned to whole UTC days.
 */
public final class CostsQuery extends WindowQuery {
  /** The largest {@code limit} (days per page) the Costs API accepts. */
  public static final int MAX_LIMIT = 180;

  /** The {@code group_by} values the Costs API accepts. */
  public static final Set<Dimension> GROUP_BY_VALUES =
      Collections.unmodifiableSet(
          EnumSet.of(Dimension.PROJECT_ID, Dimension.LINE_ITEM, Dimension.API_KEY_ID));

  private CostsQuery(Builder b) {
    super(b, BucketWidth.DAY);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  int maxLimit() {
    return MAX_LIMIT;
  }

  /** The endpoint path: {@code /organization/costs}. */
  @Override
  public String path() {
    return "/organization/costs";
  }

  @Override
  public String toQueryString() {
    return windowQueryString()
        .addArray("project_ids", projectIds())
        .addArray("api_key_ids", apiKeyIds())
        .toString();
  }

  @Override
  List<Object> ownFields() {
    return List.of();
  }

  /** Collects a costs query's settings; {@link #build()} checks them. */
  public static final class Builder extends WindowQueryBuilder<Builder> {
    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * The query, checked: window given and not empty, limit 1..180, group_by among project_id,
     * line_item, api_key_id.
     *
     * @throws IllegalArgumentException naming the field and the rule broken
     */
    public CostsQuery build() {
      Windows.check(start, end);
      if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
        throw new IllegalArgumentException(
            "limit must be between 1 and " + MAX_LIMIT + " for /organization/costs, was " + limit);
      }
      for (Dimension d : groupBy) {
        if (!GROUP_BY_VALUES.contains(d)) {
          throw new IllegalArgumentException(
              "group_by "
                  + d.wire()
                  + " is not accepted by /organization/costs; it accepts "
                  + Dimension.wireNames(GROUP_BY_VALUES));
        }
      }
      for (String id : projectIds) {
        requireValue("project_ids", id);
      }
      for (String id : apiKeyIds) {
        requireValue("api_key_ids", id);
      }
      return new CostsQuery(this);
    }

    private static void requireValue(String field, String value) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + " cannot contain an empty value");
      }
    }
  }
}
