package dev.tokenledger.cli.doctor;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.cli.shared.JsonOutput;
import dev.tokenledger.config.UsageKey;
import dev.tokenledger.doctor.DoctorCheck;
import dev.tokenledger.doctor.DoctorReport;
import dev.tokenledger.doctor.FrameworkFindings;
import dev.tokenledger.keys.KeyIdentity;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders a doctor report as JSON (schema: docs/json/doctor.schema.json); keys only redacted. */
final class DoctorJsonRenderer {
  static final String SCHEMA = "doctor.schema.json";

  private DoctorJsonRenderer() {}

  static void render(DoctorReport report, int exitCode, PrintWriter out) {
    ObjectNode root = JsonOutput.document(SCHEMA);
    root.put("ready", !report.summary().blocks());
    root.put("exit_code", exitCode);
    root.put("exit_category", wire(report.exitCategory()));
    root.put("ready_frameworks", report.readyFrameworks());
    root.put("offline", report.options().offline());
    root.put("framework_filter", report.options().framework().orElse(null));
    root.put("write_ids", report.options().writeIds());
    root.put("env_file", report.envFile().map(Object::toString).orElse(null));
    root.put("base_url", report.baseUrl().orElse(null));
    Optional<UsageKey> usageKey = report.usageKey();
    if (usageKey.isPresent()) {
      ObjectNode key = root.putObject("usage_key");
      key.put("variable", usageKey.get().variable());
      key.put("origin", usageKey.get().origin().describe());
      key.put("redacted", usageKey.get().key().redacted());
      key.put("class", wire(usageKey.get().key().keyClass()));
    } else {
      root.putNull("usage_key");
    }
    ArrayNode checks = root.putArray("checks");
    for (DoctorCheck c : report.checks()) {
      ObjectNode node = checks.addObject();
      node.put("id", c.id());
      node.put("title", c.title());
      node.put("status", wire(c.status()));
      node.put("summary", c.summary());
      strings(node.putArray("details"), c.details());
      strings(node.putArray("fix"), c.fix());
      node.put("category", wire(c.category()));
    }
    ArrayNode frameworks = root.putArray("frameworks");
    for (FrameworkFindings f : report.frameworks()) {
      framework(frameworks.addObject(), f);
    }
    JsonOutput.print(root, out);
  }

  private static void framework(ObjectNode node, FrameworkFindings f) {
    node.put("name", f.name());
    node.put("variable", f.key().variable());
    node.put("origin", f.key().origin().describe());
    node.put("redacted", f.key().key().redacted());
    node.put("class", wire(f.key().key().keyClass()));
    node.put("status", wire(f.status()));
    node.put("key_id", f.keyId().orElse(null));
    node.put("key_id_status", wire(f.keyIdStatus()));
    node.put("configured_key_id", f.configuredKeyId().orElse(null));
    node.put("resolved_key_id", f.resolvedKeyId().orElse(null));
    strings(node.putArray("candidate_key_ids"), f.candidateKeyIds());
    Optional<KeyIdentity> identity = f.identity();
    node.put("key_name", identity.map(i -> i.key().name()).orElse(null));
    node.put("project_id", identity.map(i -> i.project().id()).orElse(null));
    node.put("project_name", identity.map(i -> i.project().name()).orElse(null));
    node.put("last_used_at", f.lastUsedAt().map(Instant::toString).orElse(null));
    node.put("models", wire(f.modelAccess()));
    node.put("model_count", f.modelCount().orElse(null));
    node.put("shared", f.shared());
  }

  private static String wire(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }
}
