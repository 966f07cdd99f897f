package dev.tokenledger.probe;

import dev.tokenledger.ModelFilter;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.openai.BucketWidth;
import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.GroupKey;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.openai.RequestStats;
import dev.tokenledger.openai.UsageAggregator;
import dev.tokenledger.openai.UsageEndpoint;
import dev.tokenledger.openai.UsageFilter;
import dev.tokenledger.openai.UsageQuery;
import dev.tokenledger.openai.UsageTotals;
import dev.tokenledger.pricing.Cost;
import dev.tokenledger.pricing.CostCalculator;
import dev.tokenledger.pricing.CostTotal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Answers "how many tokens did the Usage API record for this window, and what did they cost?". It
 * always asks the API to group token endpoints by model (and completions by batch and service
 * tier), whatever it shows, so that every token is priced at its own model's rate.
 */
public final class UsageProbe {
  private final OpenAiAdminClient client;
  private final CostCalculator calculator;

  public UsageProbe(OpenAiAdminClient client, CostCalculator calculator) {
    this.client = client;
    this.calculator = calculator;
  }

  /** Reads every endpoint of {@code request} to the last page and prices what it recorded. */
  public ProbeResult probe(ProbeRequest request) {
    BucketWidth width = request.width();
    List<EndpointUsage> read = new ArrayList<>();
    List<UsageEndpoint> skipped = new ArrayList<>();
    TokenCounts tokens = TokenCounts.ZERO;
    CostTotal cost = CostTotal.EMPTY;
    int pages = 0;
    int httpRequests = 0;
    long ignored = 0;
    Set<String> matched = new TreeSet<>();
    Set<String> others = new TreeSet<>();
    for (UsageEndpoint endpoint : request.endpoints()) {
      if (!acceptsFilters(endpoint, request)) {
        skipped.add(endpoint);
        continue;
      }
      EndpointUsage usage = read(endpoint, request, matched, others);
      read.add(usage);
      pages += usage.stats().pages();
      httpRequests += usage.stats().httpRequests();
      ignored += usage.stats().ignoredResults();
      if (usage.cost().isPresent()) {
        tokens = tokens.plus(usage.totals().tokens());
        cost = cost.plus(usage.cost().get());
      }
    }
    return new ProbeResult(
        request,
        width.floor(request.start()),
        width.ceil(request.end()),
        read,
        skipped,
        tokens,
        cost,
        new RequestStats(pages, httpRequests, ignored),
        matched,
        others);
  }

  private EndpointUsage read(
      UsageEndpoint endpoint, ProbeRequest request, Set<String> matched, Set<String> others) {
    List<Dimension> shown = allowed(endpoint, request.groupBy());
    Set<Dimension> asked = new LinkedHashSet<>(shown);
    asked.addAll(pricingDimensions(endpoint));
    ModelFilter models = request.modelFilter();
    if (!models.isAll()) {
      // The API's models[] filter takes exact names, and usage is filed under dated ones: read
      // the rows per model and filter them here, so that gpt-4o-mini finds gpt-4o-mini-2024-07-18.
      asked.add(Dimension.MODEL);
    }
    UsageQuery.Builder query =
        UsageQuery.builder(endpoint)
            .window(request.start(), request.end())
            .width(request.width())
            .limit(request.width().maxLimit())
            .groupBy(asked);
    if (!models.isAll() && models.exactOnly()) {
      query.models(models.names()); // dated names only: the API may filter, it is the same set
    }
    if (!request.userIds().isEmpty()) {
      query.userIds(request.userIds());
    }
    if (request.batch() != null) {
      query.batch(request.batch());
    }
    if (!request.apiKeyIds().isEmpty()) {
      query.apiKeyIds(request.apiKeyIds());
    }
    if (!request.projectIds().isEmpty()) {
      query.projectIds(request.projectIds());
    }
    UsageAggregator fine = new UsageAggregator(List.copyOf(asked));
    RequestStats stats = client.usage(query.build(), fine);

    boolean priced = endpoint.countsTokens();
    Map<List<Object>, Group> groups = new LinkedHashMap<>();
    UsageTotals totals = UsageTotals.ZERO;
    CostTotal cost = CostTotal.EMPTY;
    for (Map.Entry<GroupKey, UsageTotals> e : fine.groups().entrySet()) {
      GroupKey key = e.getKey();
      UsageTotals t = e.getValue();
      if (!models.isAll()) {
        String model = key.text(Dimension.MODEL);
        if (!models.matches(model)) {
          if (model != null) {
            others.add(model);
          }
          continue;
        }
        matched.add(model);
      }
      CostTotal rowCost = priced ? CostTotal.EMPTY.plus(price(key, t.tokens())) : CostTotal.EMPTY;
      totals = totals.plus(t);
      cost = cost.plus(rowCost);
      List<Object> shownValues = new ArrayList<>();
      for (Dimension d : request.groupBy()) {
        shownValues.add(shown.contains(d) ? key.value(d) : null);
      }
      groups.computeIfAbsent(shownValues, v -> new Group()).add(t, rowCost);
    }
    List<ProbeGroup> out = new ArrayList<>();
    if (!request.groupBy().isEmpty()) {
      for (Map.Entry<List<Object>, Group> g : groups.entrySet()) {
        Map<Dimension, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < request.groupBy().size(); i++) {
          values.put(request.groupBy().get(i), g.getKey().get(i));
        }
        out.add(new ProbeGroup(values, g.getValue().totals, g.getValue().cost));
      }
      out.sort(LARGEST_FIRST);
    }
    return new EndpointUsage(
        endpoint, totals, priced ? Optional.of(cost) : Optional.empty(), out, stats);
  }

  private Cost price(GroupKey key, TokenCounts tokens) {
    String model = key.text(Dimension.MODEL);
    boolean batch =
        key.dimensions().contains(Dimension.BATCH)
            && Boolean.TRUE.equals(key.value(Dimension.BATCH));
    String tier =
        key.dimensions().contains(Dimension.SERVICE_TIER) ? key.text(Dimension.SERVICE_TIER) : null;
    return calculator.cost(model == null ? "(no model)" : model, tokens, batch, tier);
  }

  private static Set<Dimension> pricingDimensions(UsageEndpoint endpoint) {
    if (!endpoint.countsTokens()) {
      return Set.of();
    }
    Set<Dimension> dims = EnumSet.of(Dimension.MODEL);
    for (Dimension d : List.of(Dimension.BATCH, Dimension.SERVICE_TIER)) {
      if (endpoint.groupByValues().contains(d)) {
        dims.add(d);
      }
    }
    return dims;
  }

  private static List<Dimension> allowed(UsageEndpoint endpoint, List<Dimension> dims) {
    return dims.stream().filter(endpoint.groupByValues()::contains).toList();
  }

  private static boolean acceptsFilters(UsageEndpoint endpoint, ProbeRequest request) {
    Set<UsageFilter> filters = endpoint.filters();
    return (request.models().isEmpty() || filters.contains(UsageFilter.MODELS))
        && (request.apiKeyIds().isEmpty() || filters.contains(UsageFilter.API_KEY_IDS))
        && (request.projectIds().isEmpty() || filters.contains(UsageFilter.PROJECT_IDS))
        && (request.userIds().isEmpty() || filters.contains(UsageFilter.USER_IDS))
        && (request.batch() == null || filters.contains(UsageFilter.BATCH));
  }

  private static final Comparator<ProbeGroup> LARGEST_FIRST =
      Comparator.comparingLong((ProbeGroup g) -> g.totals().tokens().total())
          .thenComparingLong(g -> g.totals().rows())
          .reversed()
          .thenComparing(g -> g.values().toString());

  private static final class Group {
    UsageTotals totals = UsageTotals.ZERO;
    CostTotal cost = CostTotal.EMPTY;

    void add(UsageTotals t, CostTotal c) {
      totals = totals.plus(t);
      cost = cost.plus(c);
    }
  }
}
