package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthErrorsTest {
  private static final String USAGE = "/organization/usage/completions?start_time=1730419200";
  private static final Map<String, Object> CHAT =
      Map.of(
          "model",
          "gpt-4o-mini",
          "messages",
          java.util.List.of(Map.of("role", "user", "content", "hi")));

  private OpenAiSimulator sim;
  private SimHttp http;
  private SimKey admin;
  private SimKey project;

  @BeforeEach
  void start() {
    sim =
        OpenAiSimulator.builder()
            .clock(SimClock.stepped(Instant.parse("2024-11-03T12:00:00Z")))
            .reportingDelay(ReportingDelay.none())
            .start();
    http = new SimHttp(sim);
    admin = sim.register(SimKey.admin("usage reader"));
    project = sim.register(SimKey.project("chatdev", "proj_sim"));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private static String insufficient(String scope) {
    return "{\"error\":{\"message\":\"You have insufficient permissions for this operation. Missing"
        + " scopes: "
        + scope
        + ". Check that you have the correct role in your organization, and if you're using a"
        + " restricted API key, that it has the necessary scopes.\",\"type\":\"invalid_request_error\","
        + "\"param\":null,\"code\":null}}";
  }

  @Test
  void aProjectKeyOnAUsageEndpointGetsOpenAisMissingScopeError() throws Exception {
    SimHttp.Reply r = http.get(project, USAGE);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).isEqualTo(insufficient("api.usage.read"));
  }

  @Test
  void anAdminKeyWithoutUsageReadIsRefusedTheSameWay() throws Exception {
    SimKey restricted =
        sim.register(SimKey.admin("org reader").scopes(SimKey.SCOPE_ORGANIZATION_READ));

    SimHttp.Reply usage = http.get(restricted, USAGE);
    SimHttp.Reply costs = http.get(restricted, "/organization/costs?start_time=1730419200");
    SimHttp.Reply projects = http.get(restricted, "/organization/projects");

    assertThat(usage.status()).isEqualTo(401);
    assertThat(usage.body()).isEqualTo(insufficient("api.usage.read"));
    assertThat(costs.body()).isEqualTo(insufficient("api.usage.read"));
    assertThat(projects.status()).isEqualTo(200);
  }

  @Test
  void aServiceAccountKeyOnTheProjectsEndpointMissesOrganizationRead() throws Exception {
    SimKey svc = sim.register(SimKey.serviceAccount("bot", "proj_sim"));

    SimHttp.Reply r = http.get(svc, "/organization/projects/proj_sim/api_keys");

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).isEqualTo(insufficient("api.organization.read"));
  }

  @Test
  void anUnknownKeyIsRefusedWithOnlyItsEndsShown() throws Exception {
    String fake = "sk-proj-test-fake-canary-0000000000000000wxyz";

    SimHttp.Reply r = http.send("Bearer " + fake, "GET", USAGE, null);

    assertThat(r.status()).isEqualTo(401);
    JsonNode error = r.json().get("error");
    assertThat(error.get("message").asText())
        .startsWith("Incorrect API key provided: sk-proj-****")
        .contains(
            "wxyz. You can find your API key at https://platform.openai.com/account/api-keys.")
        .doesNotContain("canary");
    assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.get("code").asText()).isEqualTo("invalid_api_key");
    assertThat(error.get("param").isNull()).isTrue();
  }

  @Test
  void aMissingAuthorizationHeaderAsksForAKey() throws Exception {
    SimHttp.Reply r = http.get(null, USAGE);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().at("/error/message").asText()).startsWith("You didn't provide an API key.");
    assertThat(r.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void anAdminKeyCannotMakeModelRequests() throws Exception {
    SimHttp.Reply r = http.post(admin, "/chat/completions", CHAT);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().at("/error/message").asText())
        .startsWith("Admin API keys cannot be used for non-administration endpoints");
    assertThat(sim.served()).isEmpty();
  }

  @Test
  void aKeyWithoutModelRequestScopeGetsTheMissingScopeError() throws Exception {
    SimKey readOnly =
        sim.register(SimKey.project("read only", "proj_sim").scopes("api.model.read"));

    SimHttp.Reply r = http.post(readOnly, "/chat/completions", CHAT);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).isEqualTo(insufficient("api.model.request"));
  }

  @Test
  void theRightKeysAreServedAndLogged() throws Exception {
    assertThat(http.post(project, "/chat/completions", CHAT).status()).isEqualTo(200);
    assertThat(http.get(admin, USAGE).status()).isEqualTo(200);

    assertThat(sim.requests())
        .extracting(RecordedRequest::endpoint, RecordedRequest::keyId, RecordedRequest::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/chat/completions", project.id(), 200),
            org.assertj.core.groups.Tuple.tuple(
                "/organization/usage/completions", admin.id(), 200));
  }

  @Test
  void anUnknownPathIsAnInvalidUrl() throws Exception {
    SimHttp.Reply r = http.post(project, "/chat/completion", CHAT);

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().at("/error/message").asText())
        .isEqualTo("Invalid URL (POST /v1/chat/completion)");
  }

  @Test
  void generatedKeysLookRealButObviouslyFakeAndRedactLikeOpenAi() {
    assertThat(project.apiKey().revealForChildProcess()).startsWith("sk-proj-sim");
    assertThat(admin.apiKey().revealForChildProcess()).startsWith("sk-admin-sim");
    assertThat(project.id()).startsWith("key_");
    assertThat(project.redactedValue()).matches("sk-proj-sim\\.\\.\\.[A-Za-z0-9]{4}");
    assertThat(project.apiKey().matchesRedacted(project.redactedValue())).isTrue();
    assertThat(project.toString()).doesNotContain(project.apiKey().revealForChildProcess());
  }
}
