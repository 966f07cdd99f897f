package dev.tokenledger.cli.costs;

import dev.tokenledger.costs.KeyDayCost;
import dev.tokenledger.pricing.CostStatus;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

/** Names the costs renderers share. */
final class CostsLabels {
  private CostsLabels() {}

  static String day(KeyDayCost row) {
    return LocalDate.ofInstant(row.day(), ZoneOffset.UTC).toString();
  }

  /** {@code chatdev (key_abc)}, the bare key id, or {@code (no key)}. */
  static String key(KeyDayCost row, Map<String, String> names) {
    if (row.apiKeyId() == null) {
      return "(no key)";
    }
    String name = names.get(row.apiKeyId());
    return name == null ? row.apiKeyId() : name + " (" + row.apiKeyId() + ")";
  }

  static String status(CostStatus status) {
    return status.name().toLowerCase(Locale.ROOT);
  }

  static String kind(Enum<?> kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }
}
