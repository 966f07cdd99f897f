package dev.tokenledger.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Answers {@code GET /organization/usage/*} from the usage store, with the spec's semantics. */
final class UsageApi {
  private final UsageStore store;

  UsageApi(UsageStore store) {
    this.store = store;
  }

  ObjectNode query(UsageEndpoint endpoint, QueryParams q, Instant now) {
    BucketWidth width = BucketWidth.parse(q.get("bucket_width"));
    int limit = BucketPage.limit(q, width.defaultLimit, width.maxLimit, width.wire);
    List<String> groupBy = groupBy(endpoint, q);
    List<Filter> filters = filters(endpoint, q);
    BucketPage page = BucketPage.plan(endpoint.path(), q, width, limit, now.getEpochSecond());

    int[] groupIdx = new int[endpoint.dimensions().size()];
    for (int i = 0; i < groupIdx.length; i++) {
      groupIdx[i] = groupBy.contains(endpoint.dimensions().get(i)) ? i : -1;
    }
    List<Map<List<Object>, long[]>> groups = new ArrayList<>();
    for (int i = 0; i < page.size(); i++) {
      groups.add(new HashMap<>());
    }
    if (page.size() > 0) {
      for (UsageStore.Snapshot s :
          store.visible(endpoint, page.rangeStart(), page.rangeEnd(), now)) {
        if (!matches(filters, s.dims())) {
          continue;
        }
        List<Object> key = new ArrayList<>(groupIdx.length);
        for (int idx : groupIdx) {
          key.add(idx < 0 ? null : s.dims()[idx]);
        }
        long[] sum =
            groups
                .get(page.indexOf(s.minute()))
                .computeIfAbsent(key, k -> new long[endpoint.counters().size()]);
        UsageStore.addInto(sum, s.counts());
      }
    }

    return page.toJson(
        groups, (results, row) -> results.add(resultRow(endpoint, row.getKey(), row.getValue())));
  }

  private static ObjectNode resultRow(UsageEndpoint endpoint, List<Object> dims, long[] counts) {
    ObjectNode r = Json.object();
    r.put("object", endpoint.resultObject());
    for (int c = 0; c < counts.length; c++) {
      r.put(endpoint.counters().get(c), counts[c]);
    }
    for (int d = 0; d < dims.size(); d++) {
      Object v = dims.get(d);
      String name = endpoint.dimensions().get(d);
      if (v == null) {
        r.putNull(name);
      } else if (v instanceof Boolean b) {
        r.put(name, b);
      } else {
        r.put(name, v.toString());
      }
    }
    return r;
  }

  static List<String> groupBy(UsageEndpoint endpoint, QueryParams q) {
    return parseGroupBy(q, endpoint.dimensions());
  }

  static List<String> parseGroupBy(QueryParams q, List<String> allowed) {
    Set<String> out = new LinkedHashSet<>();
    for (String v : q.all("group_by")) {
      if (!allowed.contains(v)) {
        throw ApiError.badRequest(
            "Invalid value for 'group_by': '"
                + v
                + "'. Supported values are: "
                + allowed.stream().map(a -> "'" + a + "'").collect(Collectors.joining(", "))
                + ". Send one group_by parameter per value (group_by=a&group_by=b or"
                + " group_by[]=a&group_by[]=b).",
            "group_by");
      }
      out.add(v);
    }
    return List.copyOf(out);
  }

  /** A filter on one dimension: the row's value must be one of {@code values}. */
  record Filter(int dimension, Set<Object> values) {}

  private static List<Filter> filters(UsageEndpoint endpoint, QueryParams q) {
    List<Filter> out = new ArrayList<>();
    for (Map.Entry<String, String> f : endpoint.filters().entrySet()) {
      List<String> values = q.all(f.getKey());
      if (values.isEmpty()) {
        continue;
      }
      List<String> allowed = endpoint.allowedValues(f.getValue());
      for (String v : values) {
        if (!allowed.isEmpty() && !allowed.contains(v)) {
          throw ApiError.badRequest(
              "Invalid value for '"
                  + f.getKey()
                  + "': '"
                  + v
                  + "'. Supported values are: "
                  + allowed
                  + ".",
              f.getKey());
        }
      }
      out.add(new Filter(endpoint.dimensionIndex(f.getValue()), new HashSet<>(values)));
    }
    if (endpoint == UsageEndpoint.COMPLETIONS) {
      Boolean batch = q.getBoolean("batch");
      if (batch != null) {
        out.add(new Filter(endpoint.dimensionIndex("batch"), Set.of(batch)));
      }
    }
    return out;
  }

  static boolean matches(List<Filter> filters, Object[] dims) {
    for (Filter f : filters) {
      if (!f.values().contains(dims[f.dimension()])) {
        return false;
      }
    }
    return true;
  }
}
