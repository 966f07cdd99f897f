package dev.tokenledger.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.tokenledger.cli.Goldens;
import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.sim.Fault;
import dev.tokenledger.sim.SimKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What doctor prints: the table against golden files, the JSON against its schema, and a canary: no
 * raw key reaches stdout or stderr on any path.
 */
class DoctorOutputTest {
  // Obviously fake canary keys: none of their characters between prefix and last four may leak.
  static final String ADMIN = "sk-admin-canary-test-fake-admin-00000000000000000000000001";
  static final String CHATDEV = "sk-proj-canary-test-fake-chatdev-0000000000000000000000002";
  static final String BAES = "sk-svcacct-canary-test-fake-baes-000000000000000000000003";
  static final String LOOKALIKE = "sk-proj-canary-test-fake-lookalike-00000000000000000002";
  static final String UNLISTED = "sk-proj-canary-test-fake-unlisted-000000000000000000004";
  static final String LEGACY = "sk-canary-test-fake-legacy-key-0000000000000000000000005";
  static final List<String> CANARIES = List.of(ADMIN, CHATDEV, BAES, LOOKALIKE, UNLISTED, LEGACY);

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  DoctorFixture f;

  @BeforeEach
  void start() {
    f = new DoctorFixture(dir);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void theTableOfAHealthySetupMatchesTheGoldenFile() {
    SimKey admin = f.sim.register(SimKey.admin("usage reader"));
    SimKey chatdev =
        f.sim.register(
            SimKey.project("chatdev runner", "proj_chatdev").projectName("ChatDev experiments"));
    SimKey baes =
        f.sim.register(
            SimKey.serviceAccount("baes runner", "proj_baes").projectName("BAEs experiments"));
    f.dotEnv(
        "OPENAI_ADMIN_KEY="
            + DoctorFixture.raw(admin)
            + "\nOPENAI_API_KEY_CHATDEV="
            + DoctorFixture.raw(chatdev)
            + "\nOPENAI_API_KEY_CHATDEV_ID="
            + chatdev.id()
            + "\nOPENAI_API_KEY_BAES="
            + DoctorFixture.raw(baes)
            + "\n");
    OpenAiAdminClient.builder()
        .baseUrl(f.sim.baseUrl().toString())
        .clock(f.sim.clock())
        .build()
        .listModels(chatdev.apiKey());
    f.sim.clock().advance(Duration.ofMinutes(5));

    DoctorFixture.Result result = f.run("doctor");

    assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(result.err()).isEmpty();
    Goldens.assertMatches("doctor/healthy.txt", f.normalized(result.out()));
  }

  @Test
  void theTableOfTheMissingScopeSetupMatchesTheGoldenFile() {
    SimKey admin =
        f.sim.register(SimKey.admin("usage reader").scopes(SimKey.SCOPE_ORGANIZATION_READ));
    SimKey chatdev =
        f.sim.register(
            SimKey.project("chatdev runner", "proj_chatdev").projectName("ChatDev experiments"));
    f.dotEnv(
        "OPENAI_ADMIN_KEY="
            + DoctorFixture.raw(admin)
            + "\nOPENAI_API_KEY_CHATDEV="
            + DoctorFixture.raw(chatdev)
            + "\n");

    DoctorFixture.Result result = f.run("doctor");

    assertThat(result.exitCode()).isEqualTo(ExitCode.KEY_REFUSED);
    assertThat(result.err()).isEmpty();
    Goldens.assertMatches("doctor/missing-scope.txt", f.normalized(result.out()));
  }

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void theJsonOfEveryScenarioFollowsTheSchemaAndCarriesTheExitCode(Scenario scenario)
      throws IOException {
    scenario.setUp.accept(f);

    DoctorFixture.Result result = f.run(scenario.args("--format", "json"));

    List<Error> errors = schema().validate(result.out(), InputFormat.JSON);
    assertThat(errors).as(result.out()).isEmpty();
    JsonNode root = JSON.readTree(result.out());
    assertThat(root.path("exit_code").asInt()).isEqualTo(result.exitCode());
    assertThat(result.exitCode()).isEqualTo(scenario.exitCode);
    assertThat(root.path("checks").get(root.path("checks").size() - 1).path("id").asText())
        .isEqualTo("summary");
  }

  @ParameterizedTest
  @EnumSource(Scenario.class)
  void noRawKeyIsPrintedOnAnyPath(Scenario scenario) {
    scenario.setUp.accept(f);

    DoctorFixture.Result table = f.run(scenario.args());
    DoctorFixture.Result json = f.run(scenario.args("--format", "json"));

    String printed = table.out() + table.err() + json.out() + json.err();
    assertThat(table.exitCode()).isEqualTo(scenario.exitCode);
    assertThat(printed).doesNotContain("canary");
    for (String key : CANARIES) {
      assertThat(printed).doesNotContain(key);
    }
  }

  @Test
  void csvIsAUsageError() {
    DoctorFixture.Result result = f.run("doctor", "--format", "csv");

    assertThat(result.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(result.err())
        .startsWith("tokenledger: error: doctor writes --format table or json, not csv");
  }

  private static Schema schema() throws IOException {
    String text = Files.readString(Path.of("..", "docs", "json", "doctor.schema.json"));
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
        .getSchema(text, InputFormat.JSON);
  }

  /** A setup of keys and faults, the arguments doctor runs with, and the exit code it ends with. */
  enum Scenario {
    HEALTHY(Scenario::healthy, ExitCode.OK),
    MISSING_USAGE_SCOPE(
        fx -> {
          healthy(fx);
          fx.unset("OPENAI_ADMIN_KEY");
          SimKey restricted =
              fx.sim.register(
                  SimKey.admin("restricted").scopes().value(ADMIN.replace("0001", "0011")));
          fx.env("OPENAI_ADMIN_KEY", DoctorFixture.raw(restricted));
        },
        ExitCode.KEY_REFUSED),
    INVALID_USAGE_KEY(
        fx -> {
          healthy(fx);
          fx.env("OPENAI_ADMIN_KEY", ADMIN.replace("0001", "0099"));
        },
        ExitCode.KEY_REFUSED),
    PROJECT_KEY_AS_USAGE_KEY(
        fx -> {
          healthy(fx);
          fx.env("OPENAI_ADMIN_KEY", CHATDEV);
        },
        // warned about, then tried: OpenAI's refusal decides (issue 14)
        ExitCode.KEY_REFUSED),
    LEGACY_KEY_AS_USAGE_KEY(
        fx -> {
          healthy(fx);
          fx.env("OPENAI_ADMIN_KEY", LEGACY);
        },
        ExitCode.KEY_REFUSED),
    SHARED_KEYS(
        fx -> {
          healthy(fx);
          fx.env("OPENAI_API_KEY_GHSPEC", CHATDEV);
          fx.env("OPENAI_API_KEY_AUTOGEN", ADMIN);
        },
        ExitCode.CONFIG),
    PLACEHOLDERS(
        fx -> {
          healthy(fx);
          fx.env("OPENAI_API_KEY_GHSPEC", "sk-proj-your-key-here");
          fx.env("OPENAI_API_KEY_BAES_ID", BAES);
        },
        ExitCode.CONFIG),
    PLACEHOLDER_USAGE_KEY(
        fx -> {
          healthy(fx);
          fx.env("OPENAI_ADMIN_KEY", "<your admin key>");
        },
        ExitCode.CONFIG),
    AMBIGUOUS_AND_UNLISTED(
        fx -> {
          healthy(fx);
          fx.sim.register(SimKey.project("lookalike", "proj_other").value(LOOKALIKE));
          fx.env("OPENAI_API_KEY_GHSPEC", UNLISTED);
          fx.env("OPENAI_API_KEY_GHSPEC_ID", "key_notlisted");
        },
        ExitCode.CONFIG),
    UNREACHABLE(
        fx -> {
          healthy(fx);
          fx.env("OPENAI_BASE_URL", "http://127.0.0.1:" + closedPort() + "/v1");
        },
        ExitCode.API_FAILURE),
    SERVER_ERRORS_ON_MODELS(
        fx -> {
          healthy(fx);
          fx.sim.faults().onPath("/models").next(100, Fault.htmlErrorPage());
        },
        ExitCode.API_FAILURE),
    OFFLINE(Scenario::healthy, ExitCode.OK, "--offline"),
    ONE_FRAMEWORK(Scenario::healthy, ExitCode.OK, "--framework", "baes"),
    WRITE_IDS(Scenario::healthy, ExitCode.OK, "--write-ids"),
    MISSING_ENV_FILE(Scenario::healthy, ExitCode.CONFIG, "--env-file", "missing.env");

    final Consumer<DoctorFixture> setUp;
    final int exitCode;
    final String[] extra;

    Scenario(Consumer<DoctorFixture> setUp, int exitCode, String... extra) {
      this.setUp = setUp;
      this.exitCode = exitCode;
      this.extra = extra;
    }

    String[] args(String... more) {
      String[] all = new String[1 + extra.length + more.length];
      all[0] = "doctor";
      System.arraycopy(extra, 0, all, 1, extra.length);
      System.arraycopy(more, 0, all, 1 + extra.length, more.length);
      return all;
    }

    static void healthy(DoctorFixture fx) {
      fx.sim.register(SimKey.admin("usage reader").value(ADMIN));
      fx.sim.register(SimKey.project("chatdev runner", "proj_chatdev").value(CHATDEV));
      fx.sim.register(SimKey.serviceAccount("baes runner", "proj_baes").value(BAES));
      fx.dotEnv("OPENAI_ADMIN_KEY=" + ADMIN + "\nOPENAI_API_KEY_CHATDEV=" + CHATDEV + "\n");
      fx.env("OPENAI_API_KEY_BAES", BAES);
    }

    static int closedPort() {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
