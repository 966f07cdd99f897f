package dev.tokenledger.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.ConfigurationException;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.pricing.CostParts;
import dev.tokenledger.pricing.CostStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes the reconciled figures of runs imported from genai-devbench back into their {@code
 * runs/<framework>/<run_id>/metrics.json} (FORMAT.md "What export writes back"), leaving every
 * other field as it was and replacing each file atomically.
 */
public final class GenaiDevbenchExport {
  /** Reads decimals exactly so that numbers export does not own keep their written form. */
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  /** Two spaces per level, {@code "name": value}, arrays one item a line: as genai-devbench. */
  private static final ObjectWriter WRITER =
      JSON.writer(
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
              .withArrayIndenter(new DefaultIndenter("  ", "\n"))
              .withObjectIndenter(new DefaultIndenter("  ", "\n")));

  /** Decimals kept of a USD amount written back (more than any per-token price has). */
  private static final int USD_SCALE = 10;

  /**
   * What an export did.
   *
   * @param written the metrics files replaced
   * @param skipped imported runs left alone: no reconciled figures yet, or no metrics file
   * @param problems one line per run skipped for a reason other than missing figures
   */
  public record Result(int written, int skipped, List<String> problems) {
    public Result {
      problems = List.copyOf(problems);
    }
  }

  private final Ledger ledger;
  private final ReportBuilder builder;

  public GenaiDevbenchExport(Ledger ledger, ReportBuilder builder) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.builder = Objects.requireNonNull(builder, "builder");
  }

  /**
   * Exports every genai-devbench run {@code query}'s filters select into {@code folder} (the
   * experiment folder holding {@code runs/}, or {@code runs/} itself).
   *
   * @throws ConfigurationException when {@code folder} holds no {@code runs/} folder
   */
  public Result export(Path folder, ReportQuery query) {
    Path runs = Files.isDirectory(folder.resolve("runs")) ? folder.resolve("runs") : folder;
    if (!Files.isDirectory(runs)) {
      throw new ConfigurationException(
          "no genai-devbench runs in " + folder + ": give the experiment folder holding runs/");
    }
    int written = 0;
    int skipped = 0;
    List<String> problems = new ArrayList<>();
    for (RunRecord run : ledger.runs(ReportBuilder.runQuery(query))) {
      if (!RunSpec.SOURCE_GENAI_DEVBENCH.equals(run.source()) || run.externalId() == null) {
        continue;
      }
      if (query.status() != null && !query.status().equals(run.reconcileStatus())) {
        continue;
      }
      Optional<PricedRun> priced = builder.priced(run);
      if (priced.isEmpty()) {
        skipped++;
        continue;
      }
      Path metrics =
          runs.resolve(run.framework()).resolve(run.externalId()).resolve("metrics.json");
      if (!Files.isRegularFile(metrics)) {
        skipped++;
        problems.add("run " + run.id() + ": no " + metrics + "; it was not exported");
        continue;
      }
      write(metrics, priced.get());
      written++;
    }
    return new Result(written, skipped, problems);
  }

  private static void write(Path metrics, PricedRun priced) {
    ObjectNode root;
    try {
      JsonNode read = JSON.readTree(metrics.toFile());
      if (!(read instanceof ObjectNode object)) {
        throw new ConfigurationException(
            metrics + " is not a JSON object; restore the run's metrics.json and export again");
      }
      root = object;
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot read " + metrics + ": " + e.getMessage() + "; fix or restore the file", e);
    }
    fill(root, priced);
    try {
      writeAtomically(metrics, WRITER.writeValueAsString(root));
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot write " + metrics + ": " + e.getMessage() + "; check the folder's permissions",
          e);
    }
  }

  /** Sets the figures export owns in {@code root}; every other field stays where and as it was. */
  static void fill(ObjectNode root, PricedRun priced) {
    TokenCounts t = priced.tokens();
    ObjectNode metrics = object(root, "aggregate_metrics");
    metrics.put("TOK_IN", t.input());
    metrics.put("TOK_OUT", t.output());
    metrics.put("API_CALLS", t.requests());
    metrics.put("CACHED_TOKENS", t.cachedInput());
    Optional<CostParts> parts = priced.cost().parts();
    metrics.put("COST_USD", usd(parts.map(CostParts::total).orElse(BigDecimal.ZERO)));
    JsonNode autr = metrics.get("AUTR");
    if (autr != null && autr.isNumber()) {
      metrics.put("AEI", t.input() == 0 ? 0.0 : autr.asDouble() / Math.log1p(t.input()));
    }

    ObjectNode cost = object(root, "cost_breakdown");
    CostParts p = parts.orElse(CostParts.ZERO);
    cost.put("uncached_input_cost", usd(p.uncachedInput()));
    cost.put("cached_input_cost", usd(p.cachedInput()));
    cost.put("output_cost", usd(p.output()));
    cost.put("cache_savings", usd(priced.cacheSavings()));
    String model = model(priced);
    if (model != null) {
      cost.put("model", model);
    }

    ObjectNode reconciliation = object(root, "usage_api_reconciliation");
    reconciliation.put("verification_status", status(priced.run().reconcileStatus()));
    reconciliation.put("verification_message", message(priced));
    reconciliation.put("verified_at", priced.reconciledAt().toString());
  }

  /** The genai-devbench word for a ledger reconcile status. */
  static String status(String reconcileStatus) {
    if (reconcileStatus == null) {
      return "data_not_available";
    }
    return switch (reconcileStatus) {
      case "final" -> "verified";
      case "warning" -> "warning";
      case "pending", "settling" -> "pending";
      default -> "data_not_available";
    };
  }

  private static String model(PricedRun priced) {
    if (!priced.models().isEmpty()) {
      return String.join(",", priced.models());
    }
    return priced.run().modelHint();
  }

  private static String message(PricedRun priced) {
    TokenCounts t = priced.tokens();
    StringBuilder m =
        new StringBuilder("tokenledger: ")
            .append(t.input())
            .append(" input (")
            .append(t.cachedInput())
            .append(" cached), ")
            .append(t.output())
            .append(" output tokens, ")
            .append(t.requests())
            .append(" requests; reconcile status ")
            .append(priced.run().reconcileStatus());
    if (priced.cost().status() != CostStatus.PRICED) {
      m.append("; no price for ")
          .append(String.join(", ", priced.cost().unpricedModels()))
          .append(", so the cost leaves that usage out");
    }
    return m.toString();
  }

  private static ObjectNode object(ObjectNode root, String name) {
    JsonNode node = root.get(name);
    return node instanceof ObjectNode o ? o : root.putObject(name);
  }

  /** An amount with at most {@link #USD_SCALE} decimals and at least one, e.g. {@code 0.0}. */
  private static BigDecimal usd(BigDecimal amount) {
    BigDecimal v = amount.setScale(USD_SCALE, RoundingMode.HALF_UP).stripTrailingZeros();
    return v.scale() < 1 ? v.setScale(1) : v;
  }

  private static void writeAtomically(Path file, String text) throws IOException {
    Path temp = Files.createTempFile(file.getParent(), ".metrics-", ".tmp");
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
