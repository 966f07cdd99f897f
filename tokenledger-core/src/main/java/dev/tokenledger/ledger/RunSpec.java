package dev.tokenledger.ledger;

import java.time.Instant;

/**
 * What a new run is: its framework and, optionally, experiment, label, the framework key's id and
 * fingerprint, project, model, where it came from, and times given from outside (imports). Built
 * with {@link #builder(String)}.
 */
public record RunSpec(
    String framework,
    String experiment,
    String label,
    String apiKeyId,
    String keyFingerprint,
    String projectId,
    String modelHint,
    String source,
    String externalId,
    String sourcePath,
    Instant startedAt,
    Instant endedAt,
    Integer exitCode) {

  /** Runs recorded through the Java API. */
  public static final String SOURCE_API = "api";

  /** Runs recorded by {@code tokenledger run exec}. */
  public static final String SOURCE_EXEC = "exec";

  /** Runs recorded by {@code tokenledger run start}. */
  public static final String SOURCE_CLI = "cli";

  /** Runs imported from genai-devbench records. */
  public static final String SOURCE_GENAI_DEVBENCH = "genai-devbench";

  public RunSpec {
    if (framework == null || framework.isBlank()) {
      throw new IllegalArgumentException("framework is required (e.g. chatdev)");
    }
    framework = framework.strip();
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("source is required (e.g. api, exec, cli)");
    }
    if (keyFingerprint != null && !keyFingerprint.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "keyFingerprint must be 64 lower-case hex digits (Ledger.keyFingerprint(key))");
    }
    if (startedAt != null && endedAt != null && endedAt.isBefore(startedAt)) {
      throw new IllegalArgumentException(
          "endedAt (" + endedAt + ") is before startedAt (" + startedAt + ")");
    }
  }

  /** A builder for a run of {@code framework}. */
  public static Builder builder(String framework) {
    return new Builder(framework);
  }

  /** A builder preset with this spec's values. */
  public Builder toBuilder() {
    Builder b = new Builder(framework);
    b.experiment = experiment;
    b.label = label;
    b.apiKeyId = apiKeyId;
    b.keyFingerprint = keyFingerprint;
    b.projectId = projectId;
    b.modelHint = modelHint;
    b.source = source;
    b.externalId = externalId;
    b.sourcePath = sourcePath;
    b.startedAt = startedAt;
    b.endedAt = endedAt;
    b.exitCode = exitCode;
    return b;
  }

  /** Builds a {@link RunSpec}; only the framework is required. */
  public static final class Builder {
    private final String framework;
    private String experiment;
    private String label;
    private String apiKeyId;
    private String keyFingerprint;
    private String projectId;
    private String modelHint;
    private String source = SOURCE_API;
    private String externalId;
    private String sourcePath;
    private Instant startedAt;
    private Instant endedAt;
    private Integer exitCode;

    private Builder(String framework) {
      this.framework = framework;
    }

    public Builder experiment(String value) {
      this.experiment = blankToNull(value);
      return this;
    }

    public Builder label(String value) {
      this.label = blankToNull(value);
      return this;
    }

    /** The framework key's id ({@code key_…}), when known. */
    public Builder apiKeyId(String value) {
      this.apiKeyId = blankToNull(value);
      return this;
    }

    /**
     * The framework key's salted fingerprint ({@link Ledger#keyFingerprint}), never the key itself.
     */
    public Builder keyFingerprint(String value) {
      this.keyFingerprint = blankToNull(value);
      return this;
    }

    public Builder projectId(String value) {
      this.projectId = blankToNull(value);
      return this;
    }

    public Builder modelHint(String value) {
      this.modelHint = blankToNull(value);
      return this;
    }

    public Builder source(String value) {
      this.source = value;
      return this;
    }

    /** The run's id in the system it was imported from; makes a repeated import a no-op. */
    public Builder externalId(String value) {
      this.externalId = blankToNull(value);
      return this;
    }

    public Builder sourcePath(String value) {
      this.sourcePath = blankToNull(value);
      return this;
    }

    /** When the run started, if not now. */
    public Builder startedAt(Instant value) {
      this.startedAt = value;
      return this;
    }

    /** When the run ended, for a run recorded after the fact. */
    public Builder endedAt(Instant value) {
      this.endedAt = value;
      return this;
    }

    public Builder exitCode(Integer value) {
      this.exitCode = value;
      return this;
    }

    public RunSpec build() {
      return new RunSpec(
          framework,
          experiment,
          label,
          apiKeyId,
          keyFingerprint,
          projectId,
          modelHint,
          source,
          externalId,
          sourcePath,
          startedAt,
          endedAt,
          exitCode);
    }

    private static String blankToNull(String value) {
      return value == null || value.isBlank() ? null : value.strip();
    }
  }
}
