package dev.tokenledger.cli.doctor;

import dev.tokenledger.cli.TokenLedgerCli;
import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.config.ConfigOptions;
import dev.tokenledger.doctor.Doctor;
import dev.tokenledger.doctor.DoctorCheck;
import dev.tokenledger.doctor.DoctorOptions;
import dev.tokenledger.doctor.DoctorReport;
import dev.tokenledger.sim.OpenAiSimulator;
import dev.tokenledger.sim.SimClock;
import dev.tokenledger.sim.SimKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * One doctor scenario: a simulator on a stepped clock with a fixed seed, a temporary working
 * directory, the variables of the environment, and ways to run doctor as a service or as the
 * command. Waits between retries advance the simulator's clock, so nothing sleeps.
 */
final class DoctorFixture implements AutoCloseable {
  static final Instant NOW = Instant.parse("2025-10-27T10:00:30Z");

  final OpenAiSimulator sim;
  final Path dir;
  final Map<String, String> env = new LinkedHashMap<>();

  DoctorFixture(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
    this.sim = OpenAiSimulator.builder().clock(SimClock.stepped(NOW)).seed(42).build().start();
    env.put("OPENAI_BASE_URL", sim.baseUrl().toString());
  }

  DoctorFixture env(String name, String value) {
    env.put(name, value);
    return this;
  }

  DoctorFixture unset(String name) {
    env.remove(name);
    return this;
  }

  /** An admin key with api.usage.read and api.organization.read, in OPENAI_ADMIN_KEY. */
  SimKey usageKey() {
    SimKey admin = sim.register(SimKey.admin("usage reader"));
    env("OPENAI_ADMIN_KEY", admin.apiKey().revealForChildProcess());
    return admin;
  }

  /** A project key for {@code framework} in project {@code proj_<framework>}, in the env. */
  SimKey frameworkKey(String framework) {
    SimKey key =
        sim.register(
            SimKey.project(framework + " runner", "proj_" + framework)
                .projectName(framework + " experiments"));
    env("OPENAI_API_KEY_" + framework.toUpperCase(java.util.Locale.ROOT), raw(key));
    return key;
  }

  static String raw(SimKey key) {
    return key.apiKey().revealForChildProcess();
  }

  /** Writes {@code .env} in the working directory, readable by its owner only. */
  Path dotEnv(String text) {
    return writeFile(".env", text, "rw-------");
  }

  Path writeFile(String name, String text, String permissions) {
    try {
      Path file = dir.resolve(name);
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  CliEnvironment environment() {
    return new CliEnvironment(
        env, dir, sim.clock(), new ByteArrayInputStream(new byte[0]), d -> sim.clock().advance(d));
  }

  DoctorReport examine(DoctorOptions options) {
    return examine(options, ConfigOptions.DEFAULTS);
  }

  DoctorReport examine(DoctorOptions options, ConfigOptions configOptions) {
    CliEnvironment e = environment();
    return new Doctor(
            e.variables(), e.workingDirectory(), configOptions, DoctorCommand.clients(e), e.clock())
        .examine(options);
  }

  DoctorReport examine() {
    return examine(DoctorOptions.DEFAULTS);
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = TokenLedgerCli.commandLine(environment());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** The output with the temporary directory and the simulator's address made stable. */
  String normalized(String text) {
    return text.replace(dir.toString(), "<dir>").replace(sim.baseUrl().toString(), "<sim>");
  }

  static DoctorCheck check(DoctorReport report, String id) {
    return report
        .check(id)
        .orElseThrow(() -> new AssertionError("no check " + id + " in " + report.checks()));
  }

  @Override
  public void close() {
    sim.close();
  }

  /** What the command did: its exit code and everything it printed. */
  record Result(int exitCode, String out, String err) {}
}
