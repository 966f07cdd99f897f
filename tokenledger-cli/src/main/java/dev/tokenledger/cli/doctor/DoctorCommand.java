package dev.tokenledger.cli.doctor;

import dev.tokenledger.cli.CliEnvironment;
import dev.tokenledger.cli.ConfigMixin;
import dev.tokenledger.cli.ExitCode;
import dev.tokenledger.cli.OutputFormat;
import dev.tokenledger.doctor.Doctor;
import dev.tokenledger.doctor.DoctorOptions;
import dev.tokenledger.doctor.DoctorReport;
import dev.tokenledger.doctor.ExitCategory;
import dev.tokenledger.openai.OpenAiAdminClient;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Checks keys, scopes, key ids and the connection, and says what is wrong and how to fix it. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Check keys, scopes, key ids and the connection: what is wrong and how to fix it.",
      "Exit 0 when nothing blocks; 3 configuration, 4 a key refused, 5 the API unreachable."
    })
public final class DoctorCommand implements Callable<Integer> {
  private final CliEnvironment environment;

  @Spec CommandSpec spec;
  @Mixin ConfigMixin config;

  @Option(names = "--offline", description = "Run only the local checks: nothing is sent.")
  boolean offline;

  @Option(
      names = "--framework",
      paramLabel = "NAME",
      description = "Check only this framework's key (sharing is still checked against all).")
  String framework;

  @Option(
      names = "--write-ids",
      description =
          "Write the resolved key ids as OPENAI_API_KEY_<FW>_ID lines into the .env file that was"
              + " read (or ./.env), keeping every other byte of it.")
  boolean writeIds;

  @Option(names = "--format", description = "table (default) or json.")
  OutputFormat format = OutputFormat.TABLE;

  public DoctorCommand(CliEnvironment environment) {
    this.environment = environment;
  }

  @Override
  public Integer call() {
    if (format == OutputFormat.CSV) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "doctor writes --format table or json, not csv");
    }
    if (offline && writeIds) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--write-ids needs the API to resolve key ids: leave out --offline");
    }
    Doctor doctor =
        new Doctor(
            environment.variables(),
            environment.workingDirectory(),
            config.options(),
            clients(environment),
            environment.clock());
    DoctorReport report =
        doctor.examine(new DoctorOptions(offline, Optional.ofNullable(framework), writeIds));
    int exitCode = exitCode(report.exitCategory());
    PrintWriter out = spec.commandLine().getOut();
    if (format == OutputFormat.JSON) {
      DoctorJsonRenderer.render(report, exitCode, out);
    } else {
      DoctorTableRenderer.render(report, out);
    }
    out.flush();
    return exitCode;
  }

  /** API clients on the environment's clock and sleeper, so tests drive retries. */
  static Doctor.ClientFactory clients(CliEnvironment environment) {
    return (baseUrl, adminKey) ->
        OpenAiAdminClient.builder()
            .baseUrl(baseUrl.toString())
            .adminKey(adminKey.orElse(null))
            .clock(environment.clock())
            .sleeper(environment.sleeper())
            .build();
  }

  static int exitCode(ExitCategory category) {
    return switch (category) {
      case NONE -> ExitCode.OK;
      case CONFIGURATION -> ExitCode.CONFIG;
      case KEY_REFUSED -> ExitCode.KEY_REFUSED;
      case API_UNAVAILABLE -> ExitCode.API_FAILURE;
    };
  }
}
