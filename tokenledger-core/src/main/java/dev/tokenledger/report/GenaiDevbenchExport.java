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
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.AtomicFile;
import dev.tokenledger.ConfigurationException;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.recording.RunFolders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** genai-devbench's manifest time: microseconds and a Z, as Python's isoformat() + "Z". */
  private static final DateTimeFormatter MANIFEST_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private static final String[] MANIFESTS = {"manifest.json", "runs_manifest.json"};

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
   * The object export writes into each step of metrics.json that the ledger has a figure for:
   * fields genai-devbench's reader does not know and leaves alone.
   */
  static final String STEP_FIELD = "tokenledger";

  private final Ledger ledger;
  private final ExportDecider decider;

  public GenaiDevbenchExport(Ledger ledger, ReportBuilder builder) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.decider = new ExportDecider(ledger, Objects.requireNonNull(builder, "builder"));
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
    Path realRuns = RunFolders.real(runs);
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
      if (!query.admits(RunStatus.of(run.reconcileStatus()))) {
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
      RunExport export = decider.decide(run);
      MetricsWriter.fill(root, export);
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
