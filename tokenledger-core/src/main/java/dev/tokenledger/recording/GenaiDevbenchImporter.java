package dev.tokenledger.recording;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tokenledger.ConfigurationException;
import dev.tokenledger.WindowLimits;
import dev.tokenledger.ledger.ImportOutcome;
import dev.tokenledger.ledger.Ledger;
import dev.tokenledger.ledger.RunSpec;
import dev.tokenledger.ledger.StepSpec;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Brings runs recorded by genai-devbench into the ledger (shared/genai-devbench/FORMAT.md): reads
 * {@code runs/manifest.json} (or the older {@code runs/runs_manifest.json}) and every {@code
 * runs/<framework>/<run_id>/metrics.json}, and records each run with its steps. Step windows come
 * from the steps' Unix timestamps when at least one step has both; otherwise the run-level ISO pair
 * is used; a run with neither is reported, not guessed. Importing the same folder twice adds
 * nothing: runs are keyed by their genai-devbench run id. A step's {@code success} becomes exit
 * code 0 (true) or 1 (false); token fields of older records are not read (they are not local
 * counts).
 */
public final class GenaiDevbenchImporter {
  /** Python's json.dump writes a float NaN or Infinity bare; such a file is still a run record. */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private static final String[] MANIFESTS = {"manifest.json", "runs_manifest.json"};

  private final Ledger ledger;
  private final Map<String, String> keyIdsByFramework;
  private final Map<String, String> fingerprintsByFramework;

  /**
   * @param keyIdsByFramework the framework keys' ids ({@code key_…}) by lower-case framework name,
   *     as far as they are known
   */
  public GenaiDevbenchImporter(Ledger ledger, Map<String, String> keyIdsByFramework) {
    this(ledger, keyIdsByFramework, Map.of());
  }

  /**
   * @param fingerprintsByFramework the salted fingerprints ({@link Ledger#keyFingerprint}) of the
   *     framework keys at hand, by lower-case framework name: stored so that reconcile can resolve
   *     the key id of a run imported without one
   */
  public GenaiDevbenchImporter(
      Ledger ledger,
      Map<String, String> keyIdsByFramework,
      Map<String, String> fingerprintsByFramework) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.keyIdsByFramework = Map.copyOf(keyIdsByFramework);
    this.fingerprintsByFramework = Map.copyOf(fingerprintsByFramework);
  }

  /**
   * Imports the experiment in {@code folder} (the folder holding {@code runs/}, or {@code runs/}
   * itself); {@code experiment} names it in the ledger (null: the experiment folder's name).
   */
  public ImportReport importFrom(Path folder, String experiment) {
    Path runs = runsFolder(folder);
    String experimentName =
        experiment != null
            ? experiment
            : Objects.toString(runs.toAbsolutePath().normalize().getParent().getFileName(), null);
    List<String> problems = new ArrayList<>();
    Map<String, RunEntry> entries = new LinkedHashMap<>();
    int notImported = readManifest(runs, entries, problems);
    scanRunFolders(runs, entries, problems);
    Path realRuns = RunFolders.real(runs);
    Instant now = ledger.clock().instant();

    int added = 0;
    int present = 0;
    int steps = 0;
    int keyIds = 0;
    List<String> ids = new ArrayList<>();
    for (RunEntry entry : entries.values()) {
      RunRead read = read(runs, realRuns, now, entry, problems);
      if (read == null) {
        notImported++;
        continue;
      }
      RunSpec spec =
          RunSpec.builder(entry.framework)
              .experiment(experimentName)
              .apiKeyId(keyIdsByFramework.get(entry.framework))
              .keyFingerprint(fingerprintsByFramework.get(entry.framework))
              .modelHint(read.model)
              .source(RunSpec.SOURCE_GENAI_DEVBENCH)
              .externalId(entry.runId)
              .sourcePath(read.source.toAbsolutePath().normalize().toString())
              .startedAt(read.start)
              .endedAt(read.end)
              .build();
      ImportOutcome recorded = ledger.recordFinishedRun(spec, read.steps);
      ids.add(recorded.runId());
      if (recorded.created()) {
        added++;
      } else {
        present++;
      }
      steps += recorded.stepsAdded();
      keyIds += recorded.keyIdAdded() ? 1 : 0;
      String keyId = spec.apiKeyId();
      if (!recorded.created() && !recorded.keyIdAdded() && keyId != null) {
        String kept = ledger.run(recorded.runId()).apiKeyId();
        if (!keyId.equals(kept)) {
          problems.add(
              "run "
                  + entry.runId
                  + " ("
                  + entry.framework
                  + ") is recorded with key id "
                  + kept
                  + ", not "
                  + keyId
                  + " as OPENAI_API_KEY_"
                  + entry.framework.toUpperCase(Locale.ROOT)
                  + "_ID now says: the recorded one is kept; import into a new ledger (--db) if"
                  + " it was wrong");
        }
      }
    }
    return new ImportReport(added, present, steps, keyIds, ids, notImported, problems);
  }

  private static Path runsFolder(Path folder) {
    if (Files.isDirectory(folder.resolve("runs"))) {
      return folder.resolve("runs");
    }
    for (String manifest : MANIFESTS) {
      if (Files.isRegularFile(folder.resolve(manifest))) {
        return folder;
      }
    }
    throw new ConfigurationException(
        "no genai-devbench runs in "
            + folder
            + ": expected a runs/ folder (with manifest.json) there; give the experiment folder");
  }

  /** Reads the manifest's entries; returns how many were refused. */
  private static int readManifest(Path runs, Map<String, RunEntry> entries, List<String> problems) {
    int refused = 0;
    for (String name : MANIFESTS) {
      Path manifest = runs.resolve(name);
      if (!Files.isRegularFile(manifest)) {
        continue;
      }
      JsonNode root;
      try {
        root = JSON.readTree(manifest.toFile());
      } catch (IOException e) {
        problems.add(manifest + ": " + jsonError(e) + "; scanning the run folders instead");
        return refused;
      }
      for (JsonNode run : root.path("runs")) {
        String id = text(run, "run_id");
        String framework = text(run, "framework");
        if (id == null || framework == null) {
          problems.add(manifest + ": an entry without run_id or framework was skipped");
          continue;
        }
        String path = text(run, "path");
        String unsafe = unsafeEntry(runs, id, framework, path);
        if (unsafe != null) {
          problems.add(manifest + ": " + unsafe + "; not imported");
          refused++;
          continue;
        }
        RunEntry entry =
            entries.computeIfAbsent(key(framework, id), k -> new RunEntry(framework, id));
        entry.folder = runs.resolve(path != null ? path : framework + "/" + id).normalize();
        entry.manifestStart = text(run, "start_time");
        entry.manifestEnd = text(run, "end_time");
        entry.manifest = manifest;
      }
      return refused;
    }
    return refused;
  }

  /**
   * Why a manifest entry could make tokenledger read or (on export) write outside {@code runs}: a
   * run id or framework that is not one plain folder name, or a path that is absolute or climbs
   * out; null when it is safe. The offending value is quoted with its control characters escaped.
   */
  static String unsafeEntry(Path runs, String runId, String framework, String path) {
    if (!RunFolders.isPlainName(runId)) {
      return "run_id " + RunFolders.quote(runId) + " is not a plain folder name";
    }
    if (!RunFolders.isPlainName(framework)) {
      return "run "
          + runId
          + ": framework "
          + RunFolders.quote(framework)
          + " is not a plain folder name";
    }
    if (path != null && !RunFolders.staysInside(runs, path)) {
      return "run " + runId + ": path " + RunFolders.quote(path) + " leads outside " + runs;
    }
    return null;
  }

  private static void scanRunFolders(
      Path runs, Map<String, RunEntry> entries, List<String> problems) {
    try (Stream<Path> frameworks = Files.list(runs)) {
      for (Path fw : frameworks.filter(Files::isDirectory).sorted().toList()) {
        try (Stream<Path> runFolders = Files.list(fw)) {
          for (Path run : runFolders.filter(Files::isDirectory).sorted().toList()) {
            // any kind of file: a link that loops or a folder must be reported, not skipped
            if (!Files.exists(run.resolve("metrics.json"), LinkOption.NOFOLLOW_LINKS)) {
              continue;
            }
            String framework = fw.getFileName().toString().toLowerCase(Locale.ROOT);
            String id = run.getFileName().toString();
            RunEntry entry =
                entries.computeIfAbsent(key(framework, id), k -> new RunEntry(framework, id));
            if (entry.folder == null) {
              entry.folder = run;
            }
          }
        }
      }
    } catch (IOException e) {
      problems.add(runs + ": cannot list the run folders: " + e.getMessage());
    }
  }

  private static RunRead read(
      Path runs, Path realRuns, Instant now, RunEntry entry, List<String> problems) {
    Path metrics = entry.folder.resolve("metrics.json");
    String where =
        runs.getParent() == null
            ? metrics.toString()
            : runs.getParent().relativize(metrics).toString();
    String unreadable = RunFolders.unreadable(realRuns, entry.folder, metrics);
    if (unreadable != null) {
      problems.add(where + ": " + unreadable + "; run " + entry.runId + " not imported");
      return null;
    }
    String runStart = entry.manifestStart;
    String runEnd = entry.manifestEnd;
    String model = null;
    List<StepSpec> steps = new ArrayList<>();
    List<Integer> unusable = new ArrayList<>();
    Path source = entry.manifest;
    if (Files.isRegularFile(metrics)) {
      source = metrics;
      JsonNode root;
      try {
        root = JSON.readTree(metrics.toFile());
      } catch (IOException e) {
        problems.add(where + ": " + jsonError(e) + "; run " + entry.runId + " not imported");
        return null;
      }
      model = text(root, "model");
      runStart = firstNonNull(text(root, "start_timestamp"), runStart);
      runEnd = firstNonNull(text(root, "end_timestamp"), runEnd);
      int position = 0;
      for (JsonNode step : root.path("steps")) {
        position++;
        Instant start = epochSeconds(step.get("start_timestamp"));
        Instant end = epochSeconds(step.get("end_timestamp"));
        int index = step.path("step").asInt(position);
        if (start == null || end == null || end.isBefore(start) || index < 1) {
          unusable.add(index);
          continue;
        }
        JsonNode success = step.get("success");
        Integer exit = success == null || !success.isBoolean() ? null : success.asBoolean() ? 0 : 1;
        steps.add(new StepSpec(index, "step " + index, start, end, exit));
      }
    }
    Instant start = isoOrNull(runStart);
    Instant end = isoOrNull(runEnd);
    for (StepSpec s : steps) {
      start = start == null || s.startedAt().isBefore(start) ? s.startedAt() : start;
      end = end == null || s.endedAt().isAfter(end) ? s.endedAt() : end;
    }
    if (start == null) {
      problems.add(
          where
              + ": run "
              + entry.runId
              + " has no step timestamps and no run-level start_timestamp; not imported");
      return null;
    }
    if (end != null && end.isBefore(start)) {
      problems.add(where + ": run " + entry.runId + " ends before it starts; not imported");
      return null;
    }
    Optional<String> badWindow = WindowLimits.implausible(start, end, now);
    if (badWindow.isPresent()) {
      problems.add(where + ": run " + entry.runId + " " + badWindow.get() + "; not imported");
      return null;
    }
    if (!unusable.isEmpty()) {
      problems.add(
          where + ": steps " + unusable + " have no usable start and end timestamps; left out");
    }
    return new RunRead(source == null ? metrics : source, model, start, end, steps);
  }

  /** Unix seconds, integer or (older records) fractional. */
  private static Instant epochSeconds(JsonNode node) {
    if (node == null || !node.isNumber()) {
      return null;
    }
    BigDecimal seconds = node.decimalValue();
    long whole = seconds.longValue();
    long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
    return Instant.ofEpochSecond(whole, nanos);
  }

  private static Instant isoOrNull(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }

  private static String key(String framework, String runId) {
    return framework.toLowerCase(Locale.ROOT) + "/" + runId;
  }

  private static String jsonError(IOException e) {
    if (e instanceof JsonProcessingException jpe) {
      String detail = jpe.getOriginalMessage();
      int cut = detail.indexOf(" (");
      detail = cut > 0 ? detail.substring(0, cut) : detail;
      return jpe.getLocation() == null
          ? "not readable as JSON (" + detail + ")"
          : "not readable as JSON at line "
              + jpe.getLocation().getLineNr()
              + ", column "
              + jpe.getLocation().getColumnNr()
              + " ("
              + detail
              + ")";
    }
    return "not readable (" + e.getMessage() + ")";
  }

  /** A run known from the manifest, a run folder, or both. */
  private static final class RunEntry {
    final String framework;
    final String runId;
    Path folder;
    Path manifest;
    String manifestStart;
    String manifestEnd;

    RunEntry(String framework, String runId) {
      this.framework = framework.toLowerCase(Locale.ROOT);
      this.runId = runId;
    }
  }

  /** What one run's records say. */
  private record RunRead(
      Path source, String model, Instant start, Instant end, List<StepSpec> steps) {}
}
