package dev.tokenledger.cli.doctor;

import static dev.tokenledger.cli.doctor.DoctorFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.doctor.CheckStatus;
import dev.tokenledger.doctor.DoctorCheck;
import dev.tokenledger.doctor.DoctorReport;
import dev.tokenledger.doctor.ExitCategory;
import dev.tokenledger.doctor.FrameworkFindings;
import dev.tokenledger.sim.Fault;
import dev.tokenledger.sim.SimKey;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks 1 to 4 of issue 4: where the usage key comes from, its class, and each API answer. */
class DoctorUsageKeyTest {
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
  void anAdminKeyWithTheScopesPassesWithTheLatencyOnTheInjectedClock() {
    f.usageKey();
    f.frameworkKey("chatdev");

    DoctorReport report = f.examine();

    assertThat(check(report, DoctorCheck.USAGE_KEY_CLASS).status()).isEqualTo(CheckStatus.OK);
    DoctorCheck works = check(report, DoctorCheck.USAGE_KEY_WORKS);
    assertThat(works.status()).isEqualTo(CheckStatus.OK);
    assertThat(works.summary())
        .isEqualTo("GET /organization/usage/completions (last minute, limit=1) answered in 0 ms");
    assertThat(f.sim.requests("/organization/usage/completions"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.rawQuery())
                    .contains(
                        "bucket_width=1m",
                        "limit=1",
                        "start_time=1761559140",
                        "end_time=1761559200"));
    assertThat(check(report, DoctorCheck.ORGANIZATION_READ).summary())
        .isEqualTo("1 project and 1 project API key listed");
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.NONE);
  }

  @Test
  void aServiceAccountKeyAsUsageKeyIsWarnedAboutThenTriedAndOpenAisAnswerExplained() {
    // genai-devbench's guide: a service-account key with api.usage.read in OPEN_AI_KEY_ADM
    f.sim.addProject("proj_x", "x");
    SimKey svc =
        f.sim.register(
            SimKey.serviceAccount("bot", "proj_x")
                .scopes(SimKey.SCOPE_MODEL_REQUEST, SimKey.SCOPE_USAGE_READ));
    f.env("OPEN_AI_KEY_ADM", DoctorFixture.raw(svc));

    DoctorReport report = f.examine();

    DoctorCheck keyClass = check(report, DoctorCheck.USAGE_KEY_CLASS);
    assertThat(keyClass.status()).isEqualTo(CheckStatus.WARN);
    assertThat(keyClass.summary())
        .isEqualTo(
            "OPEN_AI_KEY_ADM holds a service-account key ("
                + svc.apiKey().redacted()
                + "): only admin keys (sk-admin-…) can read the organization's usage");
    assertThat(keyClass.details())
        .anyMatch(d -> d.startsWith("A service-account key cannot read organization usage"));
    assertThat(String.join("\n", keyClass.fix()))
        .contains("As an organization owner, create an admin key")
        .contains("Settings > Organization > Admin keys")
        .contains("in the environment as OPEN_AI_KEY_ADM");
    // the request is sent anyway, and OpenAI's own answer shown
    DoctorCheck works = check(report, DoctorCheck.USAGE_KEY_WORKS);
    assertThat(works.status()).isEqualTo(CheckStatus.FAIL);
    assertThat(works.category()).isEqualTo(ExitCategory.KEY_REFUSED);
    assertThat(works.summary())
        .isEqualTo(
            "OpenAI refused the usage key (HTTP 401): it lacks the scope api.usage.read;"
                + " organization usage needs an admin key");
    assertThat(works.details())
        .anyMatch(d -> d.startsWith("OpenAI said: You have insufficient permissions"))
        .anyMatch(d -> d.contains("granting this key api.usage.read does not help"));
    assertThat(String.join("\n", works.fix()))
        .contains("Have an organization owner create an admin key")
        .contains("in place of this service-account key")
        .doesNotContain("Either grant this key");
    assertThat(f.sim.requests("/organization/usage/completions")).hasSize(1);
    assertThat(check(report, DoctorCheck.ORGANIZATION_READ).status())
        .isEqualTo(CheckStatus.SKIPPED);
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.KEY_REFUSED);
  }

  @Test
  void usageAndDoctorGiveTheSameAdviceForTheSameKeyClass() {
    f.sim.addProject("proj_x", "x");
    SimKey svc = f.sim.register(SimKey.serviceAccount("bot", "proj_x"));
    SimKey proj = f.sim.register(SimKey.project("runner", "proj_x"));
    SimKey admin =
        f.sim.register(SimKey.admin("usage reader").scopes(SimKey.SCOPE_ORGANIZATION_READ));
    for (SimKey key : List.of(svc, proj, admin)) {
      f.env("OPENAI_ADMIN_KEY", DoctorFixture.raw(key));
      DoctorFixture.Result doctor = f.run("doctor");
      DoctorFixture.Result usage = f.run("usage");
      assertThat(doctor.exitCode()).as(key.name()).isEqualTo(ExitCode.KEY_REFUSED);
      assertThat(usage.exitCode()).as(key.name()).isEqualTo(ExitCode.KEY_REFUSED);
      if (key == admin) {
        assertThat(doctor.out()).contains("Either grant this key api.usage.read");
        assertThat(usage.err()).contains("Either grant this key api.usage.read");
      } else {
        String why =
            "A "
                + key.apiKey().keyClass().description()
                + " cannot read organization usage, whatever its scopes";
        for (String out : List.of(doctor.out(), usage.err())) {
          assertThat(out)
              .as(key.name())
              .contains(why)
              .contains("Have an organization owner create an admin key")
              .doesNotContain("grant this key");
        }
      }
    }
  }

  @Test
  void aProjectKeyAsUsageKeyIsNamedAndItsFixPointsAtTheFileItCameFrom() {
    SimKey proj = f.sim.register(SimKey.project("runner", "proj_x"));
    Path env = f.dotEnv("OPENAI_ADMIN_KEY=" + DoctorFixture.raw(proj) + "\n");

    DoctorCheck keyClass = check(f.examine(), DoctorCheck.USAGE_KEY_CLASS);

    assertThat(keyClass.summary()).startsWith("OPENAI_ADMIN_KEY holds a project key (sk-proj-…");
    assertThat(keyClass.details()).contains("found in OPENAI_ADMIN_KEY (from " + env + ":1)");
    assertThat(keyClass.fix()).anyMatch(l -> l.contains("in " + env + " as OPENAI_ADMIN_KEY"));
  }

  @Test
  void aLegacyUserKeyAsUsageKeyIsWarnedAboutAndTried() {
    f.env("OPENAI_ADMIN_KEY", "sk-legacytestfakekey000000000000000000000000wxyz");

    DoctorReport report = f.examine();

    assertThat(check(report, DoctorCheck.USAGE_KEY_CLASS).summary())
        .isEqualTo(
            "OPENAI_ADMIN_KEY holds a legacy user key (sk-…wxyz): only admin keys (sk-admin-…)"
                + " can read the organization's usage");
    assertThat(check(report, DoctorCheck.USAGE_KEY_WORKS).status()).isEqualTo(CheckStatus.FAIL);
    assertThat(f.sim.requests("/organization/usage/completions")).hasSize(1);
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.KEY_REFUSED);
  }

  @Test
  void aMissingUsageScopeGivesTheTwoFixesNamingTheVariableAndFileTheKeyCameFrom() {
    SimKey admin =
        f.sim.register(SimKey.admin("usage reader").scopes(SimKey.SCOPE_ORGANIZATION_READ));
    Path env = f.dotEnv("OPEN_AI_KEY_ADM=" + DoctorFixture.raw(admin) + "\n");

    DoctorReport report = f.examine();

    DoctorCheck works = check(report, DoctorCheck.USAGE_KEY_WORKS);
    assertThat(works.status()).isEqualTo(CheckStatus.FAIL);
    assertThat(works.category()).isEqualTo(ExitCategory.KEY_REFUSED);
    assertThat(works.summary())
        .isEqualTo("OpenAI refused the usage key (HTTP 401): it lacks the scope api.usage.read");
    assertThat(works.details())
        .anyMatch(d -> d.startsWith("OpenAI said: You have insufficient permissions"));
    assertThat(works.fix()).hasSize(2);
    assertThat(works.fix().get(0))
        .startsWith("Either grant this key api.usage.read")
        .contains("wait 1-2 minutes for the change to propagate")
        .contains("run tokenledger doctor again");
    assertThat(works.fix().get(1))
        .startsWith("or create a new admin key with api.usage.read")
        .contains("api.organization.read")
        .endsWith("put it in " + env + " as OPEN_AI_KEY_ADM.");
    // The listing needs another scope, which this key has: it is still checked.
    assertThat(check(report, DoctorCheck.ORGANIZATION_READ).status()).isEqualTo(CheckStatus.OK);
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.KEY_REFUSED);
  }

  @Test
  void legacyVariableNamesWorkButDoctorSaysOpenAiAdminKeyIsTheSdksName() {
    SimKey admin = f.sim.register(SimKey.admin("usage reader"));
    f.env("OPENAI_API_KEY_USAGE_TRACKING", DoctorFixture.raw(admin));

    DoctorReport report = f.examine();

    DoctorCheck configuration = check(report, DoctorCheck.CONFIGURATION);
    assertThat(configuration.status()).isEqualTo(CheckStatus.WARN);
    assertThat(configuration.summary()).contains("usage key in OPENAI_API_KEY_USAGE_TRACKING");
    assertThat(configuration.details())
        .anyMatch(
            d ->
                d.contains("a legacy name: it works")
                    && d.contains("OPENAI_ADMIN_KEY is the name the OpenAI SDKs use"));
    assertThat(check(report, DoctorCheck.USAGE_KEY_WORKS).status()).isEqualTo(CheckStatus.OK);
  }

  @Test
  void anInvalidKeyIsRefusedAndTheListingIsNotTriedWithIt() {
    f.env("OPENAI_ADMIN_KEY", "sk-admin-test-fake-unknown-key-000000000000000000000000wxyz");

    DoctorReport report = f.examine();

    DoctorCheck works = check(report, DoctorCheck.USAGE_KEY_WORKS);
    assertThat(works.summary())
        .isEqualTo(
            "OpenAI does not accept the usage key (HTTP 401): it is wrong, revoked, or from"
                + " another organization");
    assertThat(works.fix())
        .singleElement()
        .asString()
        .startsWith("Check the value of OPENAI_ADMIN_KEY in environment");
    assertThat(check(report, DoctorCheck.ORGANIZATION_READ).status())
        .isEqualTo(CheckStatus.SKIPPED);
    assertThat(f.sim.requests("/organization/projects")).isEmpty();
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.KEY_REFUSED);
  }

  @Test
  void a403SaysTheOwnerLacksTheRole() throws Exception {
    // The simulator answers scope problems with 401; a 403 for a missing role is scripted.
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(
          new MockResponse.Builder()
              .code(403)
              .body(
                  "{\"error\":{\"message\":\"You are not allowed to perform this action.\","
                      + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}")
              .build());
      f.env("OPENAI_BASE_URL", server.url("/v1").toString());
      f.env("OPENAI_ADMIN_KEY", "sk-admin-test-fake-key-00000000000000000000000000000wxyz");

      DoctorReport report = f.examine();

      DoctorCheck works = check(report, DoctorCheck.USAGE_KEY_WORKS);
      assertThat(works.summary())
          .isEqualTo(
              "OpenAI refused the usage key (HTTP 403): its owner lacks the Owner or Admin role"
                  + " in the organization");
      assertThat(works.fix()).singleElement().asString().startsWith("Ask an organization owner");
      assertThat(report.exitCategory()).isEqualTo(ExitCategory.KEY_REFUSED);
    }
  }

  @Test
  void aRateLimitIsRetriedAfterRetryAfterAndThenPasses() {
    f.usageKey();
    f.sim.faults().onPath("/organization/usage/completions").next(1, Fault.rateLimited(2));

    DoctorCheck works = check(f.examine(), DoctorCheck.USAGE_KEY_WORKS);

    assertThat(works.status()).isEqualTo(CheckStatus.OK);
    assertThat(works.summary()).endsWith("answered in 2000 ms after 2 attempts");
    assertThat(f.sim.requests("/organization/usage/completions")).hasSize(2);
  }

  @Test
  void aRateLimitThatOutlastsTheRetriesIsReportedAsTheApiUnavailable() {
    f.usageKey();
    f.frameworkKey("chatdev");
    f.sim.faults().onPath("/organization/usage/completions").next(20, Fault.rateLimited(1));

    DoctorReport report = f.examine();

    DoctorCheck works = check(report, DoctorCheck.USAGE_KEY_WORKS);
    assertThat(works.status()).isEqualTo(CheckStatus.FAIL);
    assertThat(works.category()).isEqualTo(ExitCategory.API_UNAVAILABLE);
    assertThat(works.summary())
        .isEqualTo(
            "OpenAI answered 429 (rate limited) until the retries ran out, after 6 attempts");
    assertThat(works.fix()).singleElement().asString().startsWith("Wait a minute");
    assertThat(check(report, DoctorCheck.ORGANIZATION_READ).status())
        .isEqualTo(CheckStatus.SKIPPED);
    assertThat(check(report, "framework:chatdev").status()).isEqualTo(CheckStatus.SKIPPED);
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.API_UNAVAILABLE);
  }

  @Test
  void aClosedPortNamesTheHostAndOpenAiBaseUrl() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    f.usageKey();
    f.frameworkKey("chatdev");
    f.env("OPENAI_BASE_URL", "http://127.0.0.1:" + port + "/v1");

    DoctorReport report = f.examine();

    DoctorCheck works = check(report, DoctorCheck.USAGE_KEY_WORKS);
    assertThat(works.category()).isEqualTo(ExitCategory.API_UNAVAILABLE);
    assertThat(works.summary())
        .isEqualTo("could not connect to 127.0.0.1:" + port + ", gave up after 6 attempts");
    assertThat(works.fix().get(0))
        .isEqualTo(
            "OPENAI_BASE_URL is set to http://127.0.0.1:"
                + port
                + "/v1 (from environment): check it, or unset it to use"
                + " https://api.openai.com/v1.");
    assertThat(check(report, DoctorCheck.ORGANIZATION_READ).summary())
        .isEqualTo("the API could not be reached (see Usage key works)");
    DoctorCheck chatdev = check(report, "framework:chatdev");
    assertThat(chatdev.status()).isEqualTo(CheckStatus.SKIPPED);
    assertThat(chatdev.summary())
        .endsWith("online checks skipped: the API could not be reached (see Usage key works)");
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.API_UNAVAILABLE);
  }

  @Test
  void aTlsFailureNamesTheHostAndTheSchemeToCheck() throws Exception {
    f.usageKey();
    // A server that answers every connection in plain HTTP: an https client fails its handshake.
    try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server =
          new Thread(
              () -> {
                while (!plain.isClosed()) {
                  try (Socket s = plain.accept()) {
                    s.getOutputStream()
                        .write(
                            "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                  } catch (IOException closed) {
                    return;
                  }
                }
              });
      server.setDaemon(true);
      server.start();
      String url = "https://127.0.0.1:" + plain.getLocalPort() + "/v1";
      f.env("OPENAI_BASE_URL", url);

      DoctorReport report = f.examine();

      DoctorCheck works = check(report, DoctorCheck.USAGE_KEY_WORKS);
      assertThat(works.category()).isEqualTo(ExitCategory.API_UNAVAILABLE);
      assertThat(works.summary())
          .isEqualTo("the TLS handshake with 127.0.0.1:" + plain.getLocalPort() + " failed");
      assertThat(works.fix())
          .singleElement()
          .asString()
          .contains("https for OpenAI")
          .endsWith("OPENAI_BASE_URL is set to " + url + " (from environment).");
    }
  }

  @Test
  void noUsageKeyIsAConfigurationFailureNamingTheVariablesToSet() {
    f.frameworkKey("chatdev");

    DoctorReport report = f.examine();

    DoctorCheck configuration = check(report, DoctorCheck.CONFIGURATION);
    assertThat(configuration.status()).isEqualTo(CheckStatus.FAIL);
    assertThat(configuration.summary())
        .startsWith(
            "no usage key found: set OPENAI_ADMIN_KEY (or OPENAI_API_KEY_USAGE_TRACKING,"
                + " OPEN_AI_KEY_ADM)");
    assertThat(check(report, DoctorCheck.USAGE_KEY_CLASS).status()).isEqualTo(CheckStatus.SKIPPED);
    // The framework key can still be checked against the models endpoint.
    FrameworkFindings chatdev = report.frameworks().get(0);
    assertThat(chatdev.modelAccess()).isEqualTo(FrameworkFindings.ModelAccess.OK);
    assertThat(chatdev.status()).isEqualTo(CheckStatus.SKIPPED);
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.CONFIGURATION);
  }

  @Test
  void withoutTheOrganizationScopeAFrameworkWithoutAnIdIsBlocked() {
    SimKey admin = f.sim.register(SimKey.admin("usage reader").scopes(SimKey.SCOPE_USAGE_READ));
    f.env("OPENAI_ADMIN_KEY", DoctorFixture.raw(admin));
    f.frameworkKey("chatdev");

    DoctorReport report = f.examine();

    DoctorCheck read = check(report, DoctorCheck.ORGANIZATION_READ);
    assertThat(read.status()).isEqualTo(CheckStatus.FAIL);
    assertThat(read.category()).isEqualTo(ExitCategory.KEY_REFUSED);
    assertThat(read.summary())
        .isEqualTo(
            "the usage key cannot list projects (HTTP 401): it lacks the scope"
                + " api.organization.read");
    assertThat(read.fix().get(1)).contains("OPENAI_API_KEY_CHATDEV_ID");
    DoctorCheck chatdev = check(report, "framework:chatdev");
    assertThat(chatdev.summary())
        .isEqualTo(
            "no key id: OPENAI_API_KEY_CHATDEV_ID is not set, and the organization's keys could"
                + " not be listed");
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.KEY_REFUSED);
  }

  @Test
  void withoutTheOrganizationScopeConfiguredIdsAreEnoughAndOnlyWarn() {
    SimKey admin = f.sim.register(SimKey.admin("usage reader").scopes(SimKey.SCOPE_USAGE_READ));
    f.env("OPENAI_ADMIN_KEY", DoctorFixture.raw(admin));
    SimKey chatdev = f.frameworkKey("chatdev");
    f.env("OPENAI_API_KEY_CHATDEV_ID", chatdev.id());

    DoctorReport report = f.examine();

    assertThat(check(report, DoctorCheck.ORGANIZATION_READ).status()).isEqualTo(CheckStatus.WARN);
    FrameworkFindings findings = report.frameworks().get(0);
    assertThat(findings.keyIdStatus()).isEqualTo(FrameworkFindings.KeyIdStatus.CONFIGURED);
    assertThat(findings.status()).isEqualTo(CheckStatus.OK);
    assertThat(check(report, "framework:chatdev").summary())
        .contains("key id " + chatdev.id() + " (from OPENAI_API_KEY_CHATDEV_ID, not verified)");
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.NONE);
  }

  @Test
  void theCommandExitsWithTheCodeOfTheFirstBlockingProblem() {
    SimKey admin =
        f.sim.register(SimKey.admin("usage reader").scopes(SimKey.SCOPE_ORGANIZATION_READ));
    f.env("OPENAI_ADMIN_KEY", DoctorFixture.raw(admin));
    assertThat(f.run("doctor").exitCode()).isEqualTo(ExitCode.KEY_REFUSED);

    f.env("OPENAI_ADMIN_KEY", "sk-admin-your-key-here");
    assertThat(f.run("doctor").exitCode()).isEqualTo(ExitCode.CONFIG);

    f.env("OPENAI_ADMIN_KEY", DoctorFixture.raw(admin));
    f.sim.faults().onAnyRequest().next(50, Fault.serverError(503));
    DoctorFixture.Result unavailable = f.run("doctor");
    assertThat(unavailable.exitCode()).isEqualTo(ExitCode.API_FAILURE);
    assertThat(unavailable.out()).contains("✖ Usage key works: OpenAI kept failing (HTTP 503)");
    assertThat(f.sim.clock().instant()).isAfter(DoctorFixture.NOW.plus(Duration.ofSeconds(1)));
  }
}
