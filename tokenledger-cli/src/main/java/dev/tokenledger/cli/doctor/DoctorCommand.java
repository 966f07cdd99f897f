package dev.tokenledger.cli.doctor;

import dev.tokenledger.cli.shared.CliEnvironment;
import dev.tokenledger.cli.shared.CommandContext;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.cli.shared.FormatMixin;
import dev.tokenledger.cli.shared.OutputFormat;
import dev.tokenledger.doctor.Doctor;
import dev.tokenledger.doctor.DoctorOptions;
import dev.tokenledger.doctor.DoctorReport;
import dev.tokenledger.doctor.ExitCategory;
import dev.tokenledger.openai.OpenAiAdminClient;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
  @Mixin CommandContext context;

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

  @Mixin FormatMixin format;

  @Override
  public Integer call() {
    OutputFormat shown = format.tableOrJson("doctor writes --format table or json, not csv");
    if (offline && writeIds) {
      throw context.usageError("--write-ids needs the API to resolve key ids: leave out --offline");
    }
    Doctor doctor =
        new Doctor(
            context.environment().variables(),
            context.environment().workingDirectory(),
            context.configOptions().options(),
            clients(context.environment()),
            context.environment().clock());
    DoctorReport report =
        doctor.examine(new DoctorOptions(offline, Optional.ofNullable(framework), writeIds));
    int exitCode = exitCode(report.exitCategory());
    PrintWriter out = context.out();
    if (shown == OutputFormat.JSON) {
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
