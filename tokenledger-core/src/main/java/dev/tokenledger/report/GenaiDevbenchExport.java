package dev.tokenledger.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.AtomicFile;
import dev.tokenledger.ConfigurationException;
import dev.tokenledger.TokenCounts;
import dev.tokenledger.attribution.Basis;
import dev.tokenledger.ledger.Attempt;
import dev.tokenledger.ledger.Figure;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.ProvenanceStore.Reconciliation;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.pricing.CostParts;
import dev.tokenledger.pricing.CostStatus;
import dev.tokenledger.reconcile.Audit;
import dev.tokenledger.recording.RunFolders;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes what the ledger knows of each run imported from genai-devbench back into its {@code
 * runs/<framework>/<run_id>/metrics.json} and its {@code runs/manifest.json} entry (FORMAT.md "What
 * export writes back"): the reconciled figures where there are some, otherwise only a status that
 * says why there are none. Every other field is left as it was and each file is replaced
 * atomically; exporting twice from an unchanged ledger leaves every file byte for byte the same.
 */
public final class GenaiDevbenchExport {
  /**
   * Reads decimals exactly, and NaN or Infinity as Python writes them, and writes decimals as
   * Python does, so that numbers export does not own keep their written form.
   */
  private static final JsonMapper JSON =
      JsonMapper.builder(JsonFactory.builder().addDecorator((f, g) -> new PythonFloats(g)).build())
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
          .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
          .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .build();

  /**
   * As Python's {@code json.dump(..., indent=2)} writes, which genai-devbench uses: two spaces per
   * level, {@code "name": value}, one array item a line, {@code {}} and {@code []} when empty,
   * non-ASCII characters escaped in lower-case hex.
   */
  private static final ObjectWriter WRITER =
      JSON.writer(
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                      .withObjectEmptySeparator("")
                      .withArrayEmptySeparator(""))
              .withArrayIndenter(new DefaultIndenter("  ", "\n"))
              .withObjectIndenter(new DefaultIndenter("  ", "\n")));

  /** Decimals kept of a USD amount written back (more than any per-token price has). */
  private static final int USD_SCALE = 10;

  /** genai-devbench's manifest time: microseconds and a Z, as Python's isoformat() + "Z". */
  private static final DateTimeFormatter MANIFEST_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private static final String[] MANIFESTS = {"manifest.json", "runs_manifest.json"};

  /** The {@code source} of the attempts export adds, so that a second export finds its own. */
  private static final String ATTEMPT_SOURCE = "tokenledger";

  /** The words of {@code usage_api_reconciliation.verification_status}, in summary order. */
  public enum Verification {
    /** The figures are final. */
    VERIFIED,
    /** There are figures, but a person should look: a read went down, or a model has no price. */
    WARNING,
    /** Waiting for the Usage API: no figures yet, or figures that may still change. */
    PENDING,
    /** No figures, and none can come until something is fixed (the message says what). */
    DATA_NOT_AVAILABLE;

    /** The word genai-devbench uses, e.g. {@code data_not_available}. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What an export did.
   *
   * @param exported the runs whose metrics.json now holds what the ledger knows, per status
   * @param withoutMetrics imported runs whose metrics.json is not in the folder
   * @param unreadable imported runs whose metrics.json cannot be read as a JSON object, left alone
   * @param manifest the manifest updated, or null when the folder has none
   * @param manifestEntries the exported runs whose manifest entry now agrees with their
   *     metrics.json
   * @param problems one line per run or file left alone, for warnings
   * @param failures one line per file that could not be written
   */
  public record Result(
      Map<Verification, Integer> exported,
      int withoutMetrics,
      int unreadable,
      Path manifest,
      int manifestEntries,
      List<String> problems,
      List<String> failures) {
    public Result {
      EnumMap<Verification, Integer> counts = new EnumMap<>(Verification.class);
      for (Verification v : Verification.values()) {
        counts.put(v, exported.getOrDefault(v, 0));
      }
      exported = Collections.unmodifiableMap(counts);
      problems = List.copyOf(problems);
      failures = List.copyOf(failures);
    }

    /** The runs exported, whatever their status. */
    public int written() {
      return exported.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * What export writes for one run.
   *
   * @param priced the figures, null when there are none to write
   * @param figures the run's and its steps' figures from the same read, empty without figures
   */
  private record RunExport(
      Verification status, String message, PricedRun priced, List<Figure> figures) {
    RunExport(Verification status, String message, PricedRun priced) {
      this(status, message, priced, List.of());
    }
  }

  /**
   * The object export writes into each step of metrics.json that the ledger has a figure for:
   * fields genai-devbench's reader does not know and leaves alone.
   */
  static final String STEP_FIELD = "tokenledger";

  private final Ledger ledger;
  private final ReportBuilder builder;

  public GenaiDevbenchExport(Ledger ledger, ReportBuilder builder) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.builder = Objects.requireNonNull(builder, "builder");
  }

  /**
   * Exports every genai-devbench run {@code query}'s filters select into {@code folder} (the
   * experiment folder holding {@code runs/}, or {@code runs/} itself). A file that cannot be read
   * is a problem and left alone; one that cannot be written is a failure; either way the other runs
   * are still exported.
   *
   * @throws ConfigurationException when {@code folder} holds no {@code runs/} folder
   */
  public Result export(Path folder, ReportQuery query) {
    Path runs = Files.isDirectory(folder.resolve("runs")) ? folder.resolve("runs") : folder;
    if (!Files.isDirectory(runs)) {
      throw new ConfigurationException(
          "no genai-devbench runs in " + folder + ": give the experiment folder holding runs/");
    }
    Path realRuns = realRuns(runs);
    Map<Verification, Integer> exported = new EnumMap<>(Verification.class);
    int withoutMetrics = 0;
    int unreadable = 0;
    List<String> problems = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Map<String, RunExport> byRunFolder = new HashMap<>();
    for (RunRecord run : ledger.runs(ReportBuilder.runQuery(query))) {
      if (!RunSpec.SOURCE_GENAI_DEVBENCH.equals(run.source()) || run.externalId() == null) {
        continue;
      }
      if (query.status() != null && !query.status().equals(run.reconcileStatus())) {
        continue;
      }
      if (!RunFolders.isPlainName(run.framework()) || !RunFolders.isPlainName(run.externalId())) {
        failures.add(
            "run "
                + run.id()
                + ": its genai-devbench run id "
                + RunFolders.quote(run.externalId())
                + " or framework "
                + RunFolders.quote(run.framework())
                + " is not a plain folder name, so it was not exported (its file would be outside "
                + runs
                + ")");
        continue;
      }
      Path metrics =
          runs.resolve(run.framework()).resolve(run.externalId()).resolve("metrics.json");
      if (!Files.isRegularFile(metrics)) {
        withoutMetrics++;
        problems.add("run " + run.id() + ": no " + metrics + "; it was not exported");
        continue;
      }
      String outside = RunFolders.outside(realRuns, metrics);
      if (outside != null) {
        failures.add("run " + run.id() + " was not exported: " + outside);
        continue;
      }
      ObjectNode root;
      try {
        root = readObject(metrics);
      } catch (IOException e) {
        unreadable++;
        problems.add(
            "run "
                + run.id()
                + ": cannot read "
                + metrics
                + " ("
                + e.getMessage()
                + ");"
                + " it was not exported: fix or restore the file and export again");
        continue;
      }
      RunExport export = decide(run);
      fill(root, export);
      try {
        writeIfChanged(metrics, WRITER.writeValueAsString(root));
      } catch (IOException e) {
        failures.add("cannot write " + metrics + ": " + e.getMessage());
        continue;
      }
      exported.merge(export.status(), 1, Integer::sum);
      byRunFolder.put(folderKey(run.framework(), run.externalId()), export);
    }
    Path manifest = manifest(runs);
    int entries = 0;
    String manifestOutside = manifest == null ? null : RunFolders.outside(realRuns, manifest);
    if (manifestOutside != null) {
      failures.add("the manifest was not updated: " + manifestOutside);
    } else if (manifest != null) {
      try {
        entries = updateManifest(manifest, byRunFolder);
      } catch (ManifestUnreadable e) {
        problems.add(
            "cannot read " + manifest + " (" + e.getMessage() + "); its entries were not updated");
      } catch (IOException e) {
        failures.add("cannot write " + manifest + ": " + e.getMessage());
      }
    }
    return new Result(exported, withoutMetrics, unreadable, manifest, entries, problems, failures);
  }

  /** What the ledger lets export say of {@code run}. */
  private RunExport decide(RunRecord run) {
    if (run.metered()) {
      return decideMetered(run);
    }
    Reconciliation r = ledger.provenanceStore().reconciliation(run.id()).orElse(null);
    Instant end = run.effectiveEnd();
    if (end != null && !end.isAfter(run.startedAt())) {
      return new RunExport(
          Verification.DATA_NOT_AVAILABLE,
          "tokenledger: no usage can be counted for this run: its record gives it no time"
              + " window (no end_timestamp and no step timestamps at import)",
          null);
    }
    if (r == null || r.figuresFrom() == null) {
      Attempt latest = r == null ? null : r.latest();
      if (run.apiKeyId() == null) {
        return new RunExport(
            Verification.DATA_NOT_AVAILABLE,
            "tokenledger: no usage can be read for this run: it was imported without its"
                + " framework key id (OPENAI_API_KEY_"
                + run.framework().toUpperCase(Locale.ROOT)
                + "_ID held no key_… id then), and its usage is found in the Usage API by that"
                + " key; set it and import again to reconcile the run",
            null);
      }
      if (latest != null && ReadFailure.isTransient(latest.error())) {
        return new RunExport(
            Verification.PENDING,
            "tokenledger: waiting for the Usage API: the last read, at "
                + latest.attemptedAt()
                + ", failed ("
                + ReadFailure.kind(latest.error())
                + "), which usually passes; run 'tokenledger reconcile' again, then export again",
            null);
      }
      if (latest != null && latest.error() != null) {
        return new RunExport(
            Verification.DATA_NOT_AVAILABLE,
            "tokenledger: no usage figures: the last Usage API read, at "
                + latest.attemptedAt()
                + ", failed ("
                + ReadFailure.kind(latest.error())
                + ") and no read has succeeded; fix that, run 'tokenledger reconcile', then"
                + " export again",
            null);
      }
      return new RunExport(
          Verification.PENDING,
          "tokenledger: waiting for the Usage API: no read of this run has succeeded yet"
              + " (reconcile status "
              + run.reconcileStatus()
              + "); run 'tokenledger reconcile --watch', then export again",
          null);
    }
    PricedRun priced =
        builder
            .priced(run)
            .orElseThrow(() -> new IllegalStateException("run " + run.id() + " lost its figures"));
    boolean lastReadFailed = "error".equals(run.reconcileStatus());
    // after a failed read the figures keep the status they had when they were read
    String settled =
        Objects.requireNonNullElse(
            lastReadFailed ? r.figuresFrom().status() : run.reconcileStatus(), "pending");
    Verification status;
    StringBuilder m = new StringBuilder(figures(priced.tokens()));
    switch (settled) {
      case "final" -> {
        status = Verification.VERIFIED;
        m.append("; reconcile status final");
      }
      case "warning" -> {
        status = Verification.WARNING;
        m.append("; reconcile status warning: a later read came back lower, or changed after the")
            .append(" run was final, or the local counts disagree; check with 'tokenledger")
            .append(" reconcile --run ")
            .append(run.id())
            .append("' and accept with 'tokenledger reconcile --accept ")
            .append(run.id())
            .append("'");
      }
      default -> {
        status = Verification.PENDING;
        m.append("; reconcile status ")
            .append(settled)
            .append(": the Usage API may still add usage; export again once the run is final");
      }
    }
    if (lastReadFailed) {
      Attempt latest = r.latest();
      m.append("; the last read, at ")
          .append(latest.attemptedAt())
          .append(", failed (")
          .append(ReadFailure.kind(latest.error()))
          .append("), so these are the figures of the read at ")
          .append(r.figuresFrom().attemptedAt());
    }
    CostStatus cost = priced.cost().status();
    if (cost != CostStatus.PRICED) {
      // a cost that leaves usage out is not verified, whatever the tokens are
      status = status == Verification.VERIFIED ? Verification.WARNING : status;
      m.append("; no price for ").append(String.join(", ", priced.cost().unpricedModels()));
      m.append(
          cost == CostStatus.PARTIAL
              ? ": COST_USD and cost_breakdown count only the priced models, a lower bound"
              : ": COST_USD and the cost parts were left as they were");
    }
    return new RunExport(
        status, m.toString(), priced, r.figuresFrom() == null ? List.of() : r.figures());
  }

  /**
   * Gives each step of {@code metrics.json} the ledger has a figure for its tokens, requests and
   * basis: {@code exact}, or {@code apportioned} with the bounds the figure lies between (a basis
   * is a word, so that one more, such as a metering proxy's, joins without a new shape). Usage of
   * the run outside every step goes into {@code usage_api_reconciliation.outside_steps}.
   */
  private static void fillSteps(ObjectNode root, RunExport export) {
    Map<Integer, Figure> byStep = new HashMap<>();
    for (Figure f : export.figures()) {
      if (f.stepIndex() != null) {
        byStep.put(f.stepIndex(), f);
      }
    }
    JsonNode steps = root.get("steps");
    if (steps != null && steps.isArray()) {
      int position = 0;
      for (JsonNode step : steps) {
        position++;
        if (!step.isObject()) {
          continue;
        }
        // the importer numbered the steps so: their own "step", else their position
        Figure f = byStep.get(step.path("step").asInt(position));
        if (f != null) {
          stepFigure(((ObjectNode) step).putObject(STEP_FIELD), f, export.status());
        }
      }
    }
    Figure outside = byStep.get(0);
    if (outside != null && !outside.total().isZero()) {
      stepFigure(
          object(root, "usage_api_reconciliation").putObject("outside_steps"),
          outside,
          export.status());
    }
  }

  private static void stepFigure(ObjectNode node, Figure f, Verification status) {
    counts(node, f.total());
    node.put(
        "basis",
        (f.apportioned() ? Basis.APPORTIONED : Basis.EXACT).name().toLowerCase(Locale.ROOT));
    if (f.apportioned() && f.lowerBound() != null && f.upperBound() != null) {
      ObjectNode bounds = node.putObject("bounds");
      counts(bounds.putObject("lower"), f.lowerBound());
      counts(bounds.putObject("upper"), f.upperBound());
    } else {
      node.putNull("bounds");
    }
    node.put("verification_status", status.word());
  }

  /** genai-devbench's names for the four counters, as its older step records had them. */
  private static void counts(ObjectNode node, TokenCounts t) {
    node.put("tokens_in", t.input());
    node.put("tokens_out", t.output());
    node.put("cached_tokens", t.cachedInput());
    node.put("api_calls", t.requests());
  }

  /**
   * A metered run: its metered figures, {@code verified} once the Usage API audited them and
   * agreed; {@code warning} when it showed usage around the meter or less than the meter; {@code
   * pending} until the audit.
   */
  private RunExport decideMetered(RunRecord run) {
    MeteredRun m = MeteredRun.read(ledger, run.id()).orElseThrow();
    PricedRun priced = builder.priced(run).orElseThrow();
    TokenCounts t = priced.tokens();
    StringBuilder msg =
        new StringBuilder("tokenledger: ")
            .append(t.input())
            .append(" input (")
            .append(t.cachedInput())
            .append(" cached), ")
            .append(t.output())
            .append(" output tokens, ")
            .append(t.requests())
            .append(" requests metered");
    long unknown = m.figures().run().usageUnknown();
    if (unknown > 0) {
      msg.append(" (and ").append(unknown).append(" requests whose usage is unknown)");
    }
    String audit = m.audit().map(Audit::label).orElse(null);
    Verification status;
    if (m.isFinal() && Audit.AUDITED.equals(audit) && unknown == 0) {
      status = Verification.VERIFIED;
      msg.append("; audited by the Usage API: final");
    } else if (m.isFinal() && Audit.UNMETERED.equals(audit)) {
      status = Verification.WARNING;
      TokenCounts u = m.unmetered();
      msg.append("; the Usage API shows ")
          .append(u.input())
          .append(" input and ")
          .append(u.output())
          .append(" output tokens more in the run's minutes (unmetered: the key was used around")
          .append(" the meter); the metered figures are kept");
    } else if ("warning".equals(m.status()) || (m.isFinal() && unknown > 0)) {
      status = Verification.WARNING;
      msg.append(
          unknown > 0 && !"warning".equals(m.status())
              ? "; some usage is unknown, so the figures are a lower bound"
              : "; the Usage API shows less than was metered: check with 'tokenledger run show "
                  + run.id()
                  + "'");
    } else {
      status = Verification.PENDING;
      msg.append("; not yet audited by the Usage API (status ")
          .append(m.status())
          .append("): run 'tokenledger reconcile', then export again");
    }
    if (priced.cost().status() != CostStatus.PRICED) {
      status = status == Verification.VERIFIED ? Verification.WARNING : status;
      msg.append("; no price for ").append(String.join(", ", priced.cost().unpricedModels()));
    }
    return new RunExport(status, msg.toString(), priced);
  }

  private static String figures(TokenCounts t) {
    return "tokenledger: "
        + t.input()
        + " input ("
        + t.cachedInput()
        + " cached), "
        + t.output()
        + " output tokens, "
        + t.requests()
        + " requests from the Usage API";
  }

  /**
   * Sets what export owns in {@code root}; every other field stays where and as it was. Without
   * figures only the status and message are set: nothing is zeroed.
   */
  private static void fill(ObjectNode root, RunExport export) {
    ObjectNode reconciliation = object(root, "usage_api_reconciliation");
    reconciliation.put("verification_status", export.status().word());
    reconciliation.put("verification_message", export.message());
    PricedRun priced = export.priced();
    if (priced == null) {
      return;
    }
    reconciliation.put("verified_at", priced.reconciledAt().toString());
    addAttempt(reconciliation, priced);

    TokenCounts t = priced.tokens();
    ObjectNode metrics = object(root, "aggregate_metrics");
    metrics.put("TOK_IN", t.input());
    metrics.put("TOK_OUT", t.output());
    metrics.put("API_CALLS", t.requests());
    metrics.put("CACHED_TOKENS", t.cachedInput());
    Optional<CostParts> parts = priced.cost().parts();
    if (parts.isPresent()) {
      CostParts p = parts.get();
      BigDecimal uncached = usd(p.uncachedInput());
      BigDecimal cached = usd(p.cachedInput());
      BigDecimal output = usd(p.output());
      // the sum of the written parts, so that the file adds up to the last decimal
      metrics.put("COST_USD", plain(uncached.add(cached).add(output)));
      ObjectNode cost = object(root, "cost_breakdown");
      cost.put("uncached_input_cost", plain(uncached));
      cost.put("cached_input_cost", plain(cached));
      cost.put("output_cost", plain(output));
      cost.put("cache_savings", plain(usd(priced.cacheSavings())));
    }
    JsonNode autr = metrics.get("AUTR");
    if (autr != null && autr.isNumber()) {
      metrics.put("AEI", t.input() == 0 ? 0.0 : autr.asDouble() / Math.log1p(t.input()));
    }

    fillSteps(root, export);

    ObjectNode cost = object(root, "cost_breakdown");
    priced.mainModel().ifPresent(m -> cost.put("model", m));
    ArrayNode models = cost.putArray("models");
    for (PricedRun.ModelUsage u : priced.models()) {
      ObjectNode model = models.addObject();
      model.put("model", u.model());
      model.put("tokens_in", u.tokens().input());
      model.put("tokens_out", u.tokens().output());
      model.put("cached_tokens", u.tokens().cachedInput());
      model.put("api_calls", u.tokens().requests());
      Optional<BigDecimal> total = u.cost().total();
      if (total.isPresent()) {
        model.put("cost_usd", plain(usd(total.get())));
      } else {
        model.putNull("cost_usd");
      }
    }
    cost.put("cost_status", priced.cost().status().name().toLowerCase(Locale.ROOT));
    if (!priced.cost().priceTableVersions().isEmpty()) {
      cost.put("price_table", String.join(", ", priced.cost().priceTableVersions()));
    }
  }

  /**
   * Appends the attempt the figures come from to {@code attempts}, unless an earlier export did:
   * genai-devbench keeps one entry per read, and so does export.
   */
  private static void addAttempt(ObjectNode reconciliation, PricedRun priced) {
    String timestamp = priced.reconciledAt().toString();
    JsonNode existing = reconciliation.get("attempts");
    ArrayNode attempts = existing instanceof ArrayNode a ? a : reconciliation.putArray("attempts");
    for (JsonNode a : attempts) {
      if (timestamp.equals(a.path("timestamp").asText())
          && ATTEMPT_SOURCE.equals(a.path("source").asText())) {
        return;
      }
    }
    TokenCounts t = priced.tokens();
    ObjectNode attempt = attempts.addObject();
    attempt.put("timestamp", timestamp);
    attempt.put("total_tokens_in", t.input());
    attempt.put("total_tokens_out", t.output());
    attempt.put("total_api_calls", t.requests());
    attempt.put("total_cached_tokens", t.cachedInput());
    RunRecord run = priced.run();
    Instant end = run.effectiveEnd();
    if (end != null) {
      // the whole minutes the figures count (shared ones apportioned): no buffer is added
      ObjectNode window = attempt.putObject("query_window");
      window.put("start", Math.floorDiv(run.startedAt().getEpochSecond(), 60L) * 60L);
      window.put("end", -Math.floorDiv(-end.toEpochMilli(), 60_000L) * 60L);
      window.put("buffer_seconds", 0);
    }
    attempt.put("source", ATTEMPT_SOURCE);
  }

  /**
   * Sets {@code verification_status} of every exported run's entry, and {@code total_tokens_in} and
   * {@code total_tokens_out} of those exported with figures; stamps {@code last_updated} and
   * replaces the file only when an entry changed.
   *
   * @return the exported runs found in the manifest
   */
  private int updateManifest(Path manifest, Map<String, RunExport> byRunFolder) throws IOException {
    ObjectNode root;
    try {
      root = readObject(manifest);
    } catch (IOException e) {
      throw new ManifestUnreadable(e.getMessage());
    }
    String before = WRITER.writeValueAsString(root);
    int found = 0;
    for (JsonNode node : root.path("runs")) {
      if (!(node instanceof ObjectNode entry)) {
        continue;
      }
      RunExport export =
          byRunFolder.get(
              folderKey(entry.path("framework").asText(), entry.path("run_id").asText()));
      if (export == null) {
        continue;
      }
      found++;
      entry.put("verification_status", export.status().word());
      if (export.priced() != null) {
        entry.put("total_tokens_in", export.priced().tokens().input());
        entry.put("total_tokens_out", export.priced().tokens().output());
      }
    }
    if (!WRITER.writeValueAsString(root).equals(before)) {
      if (root.has("last_updated")) {
        root.put("last_updated", MANIFEST_TIME.format(ledger.clock().instant()));
      }
      writeIfChanged(manifest, WRITER.writeValueAsString(root));
    }
    return found;
  }

  private static Path realRuns(Path runs) {
    try {
      return runs.toRealPath();
    } catch (IOException e) {
      throw new ConfigurationException("cannot read " + runs + ": " + e.getMessage());
    }
  }

  private static Path manifest(Path runs) {
    for (String name : MANIFESTS) {
      Path manifest = runs.resolve(name);
      if (Files.isRegularFile(manifest)) {
        return manifest;
      }
    }
    return null;
  }

  private static String folderKey(String framework, String runId) {
    return framework.toLowerCase(Locale.ROOT) + "/" + runId;
  }

  /** A manifest that cannot be read: a problem, not a failure. */
  private static final class ManifestUnreadable extends IOException {
    private static final long serialVersionUID = 1L;

    ManifestUnreadable(String message) {
      super(message);
    }
  }

  private static ObjectNode readObject(Path file) throws IOException {
    JsonNode read = JSON.readTree(file.toFile());
    if (read instanceof ObjectNode object) {
      return object;
    }
    throw new IOException("not a JSON object");
  }

  private static ObjectNode object(ObjectNode root, String name) {
    JsonNode node = root.get(name);
    return node instanceof ObjectNode o ? o : root.putObject(name);
  }

  /** An amount rounded to {@link #USD_SCALE} decimals. */
  private static BigDecimal usd(BigDecimal amount) {
    return amount.setScale(USD_SCALE, RoundingMode.HALF_UP);
  }

  /** Without trailing zeros but with at least one decimal, e.g. {@code 0.0}, as Python floats. */
  private static BigDecimal plain(BigDecimal amount) {
    BigDecimal v = amount.stripTrailingZeros();
    return v.scale() < 1 ? v.setScale(1) : v;
  }

  /**
   * Replaces {@code file} with {@code text} through a temporary file, unless it already holds it.
   */
  private static void writeIfChanged(Path file, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (Arrays.equals(Files.readAllBytes(file), bytes)) {
      return;
    }
    AtomicFile.write(file, bytes);
  }
}
