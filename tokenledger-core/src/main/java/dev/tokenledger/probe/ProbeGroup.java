package dev.tokenledger.probe;

import dev.tokenledger.openai.Dimension;
import dev.tokenledger.openai.UsageTotals;
import dev.tokenledger.pricing.CostTotal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One shown group of a probe: its dimension values ({@code null} where the endpoint cannot group by
 * a dimension), what it used, and what that cost.
 */
public record ProbeGroup(Map<Dimension, Object> values, UsageTotals totals, CostTotal cost) {
  public ProbeGroup {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }
}
