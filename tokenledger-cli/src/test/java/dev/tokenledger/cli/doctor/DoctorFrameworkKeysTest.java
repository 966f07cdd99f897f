package dev.tokenledger.cli.doctor;

import static dev.tokenledger.cli.doctor.DoctorFixture.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenledger.cli.shared.ExitCode;
import dev.tokenledger.doctor.CheckStatus;
import dev.tokenledger.doctor.DoctorCheck;
import dev.tokenledger.doctor.DoctorOptions;
import dev.tokenledger.doctor.DoctorReport;
import dev.tokenledger.doctor.ExitCategory;
import dev.tokenledger.doctor.FrameworkFindings;
import dev.tokenledger.doctor.FrameworkFindings.KeyIdStatus;
import dev.tokenledger.doctor.FrameworkFindings.ModelAccess;
import dev.tokenledger.openai.OpenAiAdminClient;
import dev.tokenledger.sim.SimKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Check 5 of issue 4: each framework key's class, distinctness, id, project, use and access. */
class DoctorFrameworkKeysTest {
  @TempDir Path dir;
  DoctorFixture f;

  @BeforeEach
  void start() {
    f = new DoctorFixture(dir);
    f.usageKey();
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void aHealthyKeyIsResolvedNamedAndSeenCallingModels() {
    SimKey chatdev = f.frameworkKey("chatdev");
    useAt(chatdev);
    f.sim.clock().advance(Duration.ofMinutes(5));

    DoctorReport report = f.examine();

    FrameworkFindings findings = report.frameworks().get(0);
    assertThat(findings.keyIdStatus()).isEqualTo(KeyIdStatus.RESOLVED);
    assertThat(findings.keyId()).contains(chatdev.id());
    assertThat(findings.identity().orElseThrow().project().id()).isEqualTo("proj_chatdev");
    assertThat(findings.lastUsedAt()).contains(DoctorFixture.NOW);
    assertThat(findings.modelAccess()).isEqualTo(ModelAccess.OK);
    assertThat(check(report, "framework:chatdev").summary())
        .isEqualTo(
            chatdev.apiKey().redacted()
                + " (project key); key id "
                + chatdev.id()
                + " (resolved); \"chatdev runner\" in project \"chatdev experiments\""
                + " (proj_chatdev); last used 5 minutes ago; can call models (25 models listed)");
    assertThat(report.summary().summary()).isEqualTo("ready to account for 1 framework");
  }

  @Test
  void aConfiguredIdThatAgreesIsConfirmed() {
    SimKey chatdev = f.frameworkKey("chatdev");
    f.env("OPENAI_API_KEY_CHATDEV_ID", chatdev.id());

    DoctorReport report = f.examine();

    assertThat(report.frameworks().get(0).keyIdStatus()).isEqualTo(KeyIdStatus.CONFIRMED);
    assertThat(check(report, "framework:chatdev").summary())
        .contains("key id " + chatdev.id() + " (OPENAI_API_KEY_CHATDEV_ID agrees)");
  }

  @Test
  void anIdThatDoesNotMatchIsAConfigurationErrorGivingTheRightId() {
    SimKey chatdev = f.frameworkKey("chatdev");
    SimKey other = f.sim.register(SimKey.project("other runner", "proj_other"));
    f.env("OPENAI_API_KEY_CHATDEV_ID", other.id());

    DoctorReport report = f.examine();

    DoctorCheck check = check(report, "framework:chatdev");
    assertThat(check.status()).isEqualTo(CheckStatus.FAIL);
    assertThat(check.category()).isEqualTo(ExitCategory.CONFIGURATION);
    assertThat(check.summary())
        .isEqualTo(
            "OPENAI_API_KEY_CHATDEV_ID (from environment) says "
                + other.id()
                + ", but this key is "
                + chatdev.id()
                + ", \"chatdev runner\" in project \"chatdev experiments\" (proj_chatdev)");
    assertThat(check.fix())
        .containsExactly(
            "Set OPENAI_API_KEY_CHATDEV_ID="
                + chatdev.id()
                + " (tokenledger doctor --write-ids does it), or put the right key in"
                + " OPENAI_API_KEY_CHATDEV.");
    FrameworkFindings findings = report.frameworks().get(0);
    assertThat(findings.keyIdStatus()).isEqualTo(KeyIdStatus.CONFLICT);
    assertThat(findings.resolvedKeyId()).contains(chatdev.id());
    assertThat(findings.configuredKeyId()).contains(other.id());
  }

  @Test
  void aKeyFoundInNoProjectSaysWhyAndHowToSetTheIdByHand() {
    f.env("OPENAI_API_KEY_CHATDEV", "sk-proj-test-fake-unlisted-key-000000000000000000wxyz");

    DoctorReport report = f.examine();

    DoctorCheck check = check(report, "framework:chatdev");
    assertThat(check.summary())
        .isEqualTo(
            "this key (sk-proj-…wxyz) is in none of the organization's projects: it is revoked,"
                + " in an archived project, or from another organization");
    assertThat(check.fix())
        .anyMatch(
            l ->
                l.startsWith("Check OPENAI_API_KEY_CHATDEV (from environment)")
                    && l.endsWith("set OPENAI_API_KEY_CHATDEV_ID=key_… by hand."));
    // Models were asked too: the unknown key is refused there.
    assertThat(check.details())
        .anyMatch(d -> d.startsWith("OpenAI does not accept the key (HTTP 401)"));
    assertThat(report.frameworks().get(0).keyIdStatus()).isEqualTo(KeyIdStatus.NOT_FOUND);
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.CONFIGURATION);
  }

  @Test
  void twoListedKeysMatchingOneRedactedValueNeedTheIdSetByHand() {
    SimKey one =
        f.sim.register(
            SimKey.project("chatdev runner", "proj_a")
                .value("sk-proj-simTESTfakeFirstKey000000000000000000000wxyz"));
    SimKey two =
        f.sim.register(
            SimKey.project("lookalike", "proj_b")
                .value("sk-proj-simTESTfakeSecondKey00000000000000000000wxyz"));
    f.env("OPENAI_API_KEY_CHATDEV", DoctorFixture.raw(one));

    DoctorReport report = f.examine();

    DoctorCheck check = check(report, "framework:chatdev");
    assertThat(check.summary())
        .isEqualTo(
            "2 keys in the organization's list look like sk-proj-…wxyz, so its key id cannot be"
                + " told");
    assertThat(check.details())
        .contains(
            one.id() + ": \"chatdev runner\" in project \"proj_a\" (proj_a)",
            two.id() + ": \"lookalike\" in project \"proj_b\" (proj_b)");
    assertThat(check.fix())
        .containsExactly(
            "Set OPENAI_API_KEY_CHATDEV_ID to the right one of "
                + one.id()
                + ", "
                + two.id()
                + " (each key's id is on its project's API keys page).");
    assertThat(report.frameworks().get(0).candidateKeyIds()).containsExactly(one.id(), two.id());

    f.env("OPENAI_API_KEY_CHATDEV_ID", one.id());
    DoctorReport settled = f.examine();
    assertThat(settled.frameworks().get(0).keyIdStatus()).isEqualTo(KeyIdStatus.CONFIRMED);
    assertThat(check(settled, "framework:chatdev").status()).isEqualTo(CheckStatus.OK);
  }

  @Test
  void twoFrameworksWithOneKeyAreBothBlocked() {
    SimKey chatdev = f.frameworkKey("chatdev");
    f.env("OPENAI_API_KEY_BAES", DoctorFixture.raw(chatdev));

    DoctorReport report = f.examine();

    assertThat(check(report, "framework:baes").summary())
        .isEqualTo(
            "OPENAI_API_KEY_BAES holds the same key as OPENAI_API_KEY_CHATDEV ("
                + chatdev.apiKey().redacted()
                + "): the Usage API cannot tell their usage apart");
    assertThat(check(report, "framework:chatdev").status()).isEqualTo(CheckStatus.FAIL);
    assertThat(report.frameworks()).allSatisfy(fw -> assertThat(fw.shared()).isTrue());
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.CONFIGURATION);
  }

  @Test
  void aFrameworkKeyEqualToTheUsageKeyIsBlockedAndNeverSentToModels() {
    f.env("OPENAI_API_KEY_CHATDEV", f.env.get("OPENAI_ADMIN_KEY"));

    DoctorReport report = f.examine();

    DoctorCheck check = check(report, "framework:chatdev");
    assertThat(check.summary())
        .isEqualTo("OPENAI_API_KEY_CHATDEV holds an admin key, and admin keys cannot call models");
    assertThat(check.details())
        .anyMatch(d -> d.startsWith("OPENAI_API_KEY_CHATDEV holds the usage key (also in"));
    assertThat(f.sim.requests("/models")).isEmpty();
    assertThat(report.frameworks().get(0).modelAccess()).isEqualTo(ModelAccess.NOT_CHECKED);
  }

  @Test
  void aKeyWithoutTheModelScopeIsRefusedWithTheScopeToAdd() {
    f.sim.register(
        SimKey.project("chatdev runner", "proj_chatdev")
            .scopes()
            .value("sk-proj-simTESTfakeNoScopes000000000000000000000abcd"));
    f.env("OPENAI_API_KEY_CHATDEV", "sk-proj-simTESTfakeNoScopes000000000000000000000abcd");

    DoctorReport report = f.examine();

    DoctorCheck check = check(report, "framework:chatdev");
    assertThat(check.category()).isEqualTo(ExitCategory.KEY_REFUSED);
    assertThat(check.summary())
        .isEqualTo(
            "the key cannot call models (GET /models: HTTP 401): it lacks api.model.request");
    assertThat(check.fix())
        .singleElement()
        .asString()
        .startsWith("Grant the key api.model.request");
    assertThat(report.frameworks().get(0).modelAccess()).isEqualTo(ModelAccess.REFUSED);
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.KEY_REFUSED);
  }

  @Test
  void aPlaceholderFrameworkKeyIsAConfigurationErrorAndItsCheckIsSkipped() {
    f.env("OPENAI_API_KEY_CHATDEV", "<your chatdev key>");

    DoctorReport report = f.examine();

    DoctorCheck configuration = check(report, DoctorCheck.CONFIGURATION);
    assertThat(configuration.status()).isEqualTo(CheckStatus.FAIL);
    assertThat(configuration.summary())
        .isEqualTo(
            "OPENAI_API_KEY_CHATDEV (from environment) looks like a placeholder, not a key: it"
                + " contains '<' or '>'");
    assertThat(configuration.fix())
        .containsExactly(
            "OPENAI_API_KEY_CHATDEV: set it to the framework's own OpenAI project key");
    assertThat(check(report, "framework:chatdev").status()).isEqualTo(CheckStatus.SKIPPED);
    assertThat(f.sim.requests("/models")).isEmpty();
    assertThat(report.exitCategory()).isEqualTo(ExitCategory.CONFIGURATION);
  }

  @Test
  void frameworkLimitsTheChecksButSharingIsJudgedAgainstEveryKey() {
    SimKey chatdev = f.frameworkKey("chatdev");
    f.frameworkKey("baes");
    f.env("OPENAI_API_KEY_GHSPEC", DoctorFixture.raw(chatdev));

    DoctorReport report = f.examine(new DoctorOptions(false, Optional.of("chatdev"), false));

    assertThat(report.checks())
        .extracting(DoctorCheck::id)
        .containsExactly(
            DoctorCheck.CONFIGURATION,
            DoctorCheck.USAGE_KEY_CLASS,
            DoctorCheck.USAGE_KEY_WORKS,
            DoctorCheck.ORGANIZATION_READ,
            "framework:chatdev",
            DoctorCheck.SUMMARY);
    assertThat(check(report, "framework:chatdev").summary())
        .startsWith("OPENAI_API_KEY_CHATDEV holds the same key as OPENAI_API_KEY_GHSPEC");
    assertThat(f.sim.requests("/models")).hasSize(1);
  }

  @Test
  void anUnknownFrameworkIsAConfigurationErrorNamingTheVariableToSet() {
    f.frameworkKey("chatdev");

    DoctorFixture.Result result = f.run("doctor", "--framework", "baes");

    assertThat(result.exitCode()).isEqualTo(ExitCode.CONFIG);
    assertThat(result.out())
        .contains(
            "✖ Framework baes: no key for framework baes: set OPENAI_API_KEY_BAES in the"
                + " environment or in a .env file in "
                + f.dir
                + " to that framework's OpenAI key (frameworks configured: chatdev)");
  }

  @Test
  void offlineRunsOnlyTheLocalChecksAndSendsNothing() {
    SimKey chatdev = f.frameworkKey("chatdev");
    f.env("OPENAI_API_KEY_CHATDEV_ID", chatdev.id());
    f.frameworkKey("baes");

    DoctorFixture.Result result = f.run("doctor", "--offline");

    assertThat(result.exitCode()).isEqualTo(ExitCode.OK);
    assertThat(f.sim.requests()).isEmpty();
    assertThat(result.out())
        .contains("- Usage key works: offline")
        .contains("- Organization read: offline")
        .contains(
            "✔ Framework chatdev: "
                + chatdev.apiKey().redacted()
                + " (project key); key id "
                + chatdev.id()
                + " (from OPENAI_API_KEY_CHATDEV_ID, not verified offline); not checked against"
                + " the API (offline)")
        .contains("key id not configured (resolved online)")
        .contains(
            "✔ No problems found offline with 2 framework keys; run without --offline to check"
                + " the keys against the API.");
  }

  @Test
  void offlineStillFindsLocalProblems() {
    SimKey chatdev = f.frameworkKey("chatdev");
    f.env("OPENAI_API_KEY_BAES", DoctorFixture.raw(chatdev));

    DoctorReport report = f.examine(new DoctorOptions(true, Optional.empty(), false));

    assertThat(report.exitCategory()).isEqualTo(ExitCategory.CONFIGURATION);
    assertThat(f.sim.requests()).isEmpty();
  }

  private void useAt(SimKey key) {
    OpenAiAdminClient.builder()
        .baseUrl(f.sim.baseUrl().toString())
        .clock(f.sim.clock())
        .build()
        .listModels(key.apiKey());
  }
}
