package dev.tokenledger.cli.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tokenledger.ledger.RunRecord;
import dev.tokenledger.ledger.StepRecord;
import dev.tokenledger.report.TextTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Prints runs and steps as a table, JSON (schemas in docs/json/run-list.schema.json and
 * run-show.schema.json) or CSV. Instants are ISO-8601 UTC; an interrupted run's end is the last
 * time it was seen.
 */
final class RunRenderer {
  static final String LIST_SCHEMA = "https://tokenledger.dev/schemas/run-list.schema.json";
  static final String SHOW_SCHEMA = "https://tokenledger.dev/schemas/run-show.schema.json";
  private static final List<String> RUN_COLUMNS =
      List.of(
          "id",
          "framework",
          "experiment",
          "label",
          "started_at",
          "ended_at",
          "status",
          "exit_code",
          "steps",
          "api_key_id",
          "source");

  private RunRenderer() {}

  static void table(List<RunRecord> runs, Map<String, Integer> stepCounts, PrintWriter out) {
    TextTable table =
        TextTable.withHeaders(
                "RUN",
                "FRAMEWORK",
                "EXPERIMENT",
                "LABEL",
                "STARTED",
                "DURATION",
                "STATUS",
                "EXIT",
                "STEPS")
            .align(5, TextTable.Align.RIGHT)
            .align(7, TextTable.Align.RIGHT)
            .align(8, TextTable.Align.RIGHT);
    for (RunRecord r : runs) {
      table.row(
          List.of(
              r.id(),
              r.framework(),
              dash(r.experiment()),
              dash(r.label()),
              r.startedAt().toString(),
              duration(r.startedAt(), r.effectiveEnd()),
              r.status().word(),
              dash(r.exitCode()),
              String.valueOf(stepCounts.getOrDefault(r.id(), 0))));
    }
    table.render("").forEach(out::println);
  }

  static void json(List<RunRecord> runs, Map<String, Integer> stepCounts, PrintWriter out) {
    List<Map<String, Object>> items = new ArrayList<>();
    for (RunRecord r : runs) {
      Map<String, Object> m = run(r);
      m.put("steps", stepCounts.getOrDefault(r.id(), 0));
      items.add(m);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("$schema", LIST_SCHEMA);
    root.put("runs", items);
    print(root, out);
  }

  static void csv(List<RunRecord> runs, Map<String, Integer> stepCounts, PrintWriter out) {
    try {
      // Not closed: closing the printer would close the command's own writer.
      CSVPrinter csv =
          new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get());
      csv.printRecord(RUN_COLUMNS);
      for (RunRecord r : runs) {
        csv.printRecord(
            r.id(),
            r.framework(),
            blank(r.experiment()),
            blank(r.label()),
            r.startedAt(),
            blank(r.effectiveEnd()),
            r.status().word(),
            blank(r.exitCode()),
            stepCounts.getOrDefault(r.id(), 0),
            blank(r.apiKeyId()),
            r.source());
      }
      csv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void showTable(RunRecord r, List<StepRecord> steps, PrintWriter out) {
    TextTable about = TextTable.withHeaders("FIELD", "VALUE");
    for (Map.Entry<String, Object> e : run(r).entrySet()) {
      about.row(List.of(e.getKey(), e.getValue() == null ? "-" : String.valueOf(e.getValue())));
    }
    about.render("").forEach(out::println);
    out.println();
    TextTable table =
        TextTable.withHeaders("STEP", "NAME", "STARTED", "ENDED", "DURATION", "STATUS", "EXIT")
            .align(0, TextTable.Align.RIGHT)
            .align(4, TextTable.Align.RIGHT)
            .align(6, TextTable.Align.RIGHT);
    for (StepRecord s : steps) {
      table.row(
          List.of(
              String.valueOf(s.index()),
              dash(s.name()),
              s.startedAt().toString(),
              dash(s.effectiveEnd()),
              duration(s.startedAt(), s.effectiveEnd()),
              s.status().word(),
              dash(s.exitCode())));
    }
    table.render("").forEach(out::println);
  }

  static void showJson(
      RunRecord r,
      List<StepRecord> steps,
      Map<String, Object> reconciliation,
      Map<String, Object> metering,
      PrintWriter out) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("$schema", SHOW_SCHEMA);
    m.putAll(run(r));
    List<Map<String, Object>> items = new ArrayList<>();
    for (StepRecord s : steps) {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("index", s.index());
      step.put("name", s.name());
      step.put("started_at", iso(s.startedAt()));
      step.put("ended_at", iso(s.effectiveEnd()));
      step.put("status", s.status().word());
      step.put("exit_code", s.exitCode());
      items.add(step);
    }
    m.put("steps", items);
    m.put("reconciliation", reconciliation);
    m.put("metering", metering);
    print(m, out);
  }

  private static Map<String, Object> run(RunRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("framework", r.framework());
    m.put("experiment", r.experiment());
    m.put("label", r.label());
    m.put("api_key_id", r.apiKeyId());
    m.put("project_id", r.projectId());
    m.put("model_hint", r.modelHint());
    m.put("started_at", iso(r.startedAt()));
    m.put("ended_at", iso(r.effectiveEnd()));
    m.put("last_seen_at", iso(r.lastSeenAt()));
    m.put("status", r.status().word());
    m.put("exit_code", r.exitCode());
    m.put("source", r.source());
    m.put("external_id", r.externalId());
    m.put("reconcile_status", r.reconcileStatus().label());
    return m;
  }

  private static void print(Object value, PrintWriter out) {
    try {
      out.println(Json.MAPPER.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Made on first use: a table or CSV never loads Jackson (375 classes). */
  private static final class Json {
    static final ObjectMapper MAPPER =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  private static String iso(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static String duration(Instant start, Instant end) {
    if (end == null) {
      return "-";
    }
    Duration d = Duration.between(start, end);
    long s = d.toSeconds();
    return s >= 3600
        ? String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
        : s >= 60
            ? String.format("%dm%02ds", s / 60, s % 60)
            : String.format("%.1fs", d.toMillis() / 1000.0);
  }

  private static String dash(Object value) {
    return value == null ? "-" : value.toString();
  }

  private static String blank(Object value) {
    return Objects.toString(value, "");
  }
}
