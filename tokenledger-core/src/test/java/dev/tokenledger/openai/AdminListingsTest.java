package dev.tokenledger.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenledger.config.ApiKey;
import java.time.Instant;
import java.util.List;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Projects, project API keys and models: the listings key-id resolution and doctor rely on. */
class AdminListingsTest {
  private static final Instant CREATED = Instant.ofEpochSecond(1711471533);

  private MockApi api;
  private OpenAiAdminClient client;

  @BeforeEach
  void start() throws Exception {
    api = new MockApi();
    client = api.client();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static String listOf(String objectFile) {
    return "{\"object\":\"list\",\"data\":["
        + SpecData.text(objectFile)
        + "],\"first_id\":null,\"last_id\":null,\"has_more\":false}";
  }

  @Test
  void projectsArePagedWithAfterUntilHasMoreIsFalse() throws Exception {
    api.enqueue(
        200,
        SpecData.text("attribution/projects-list.example.json")
            .replace("\"has_more\": false", "\"has_more\": true"));
    api.enqueue(200, listOf("attribution/object-project.example.json"));
    api.enqueue(200, listOf("attribution/project-retrieve.example.json"));

    // The third response is never asked for: the second page says has_more false.
    List<Project> projects = client.projects();

    Project expected = new Project("proj_abc", "Project example", CREATED, null, "active");
    assertThat(projects).containsExactly(expected, expected);
    RecordedRequest first = api.take();
    assertThat(first.getUrl().encodedPath()).isEqualTo("/v1/organization/projects");
    assertThat(first.getUrl().queryParameter("limit")).isEqualTo("100");
    assertThat(first.getUrl().queryParameter("include_archived")).isEqualTo("false");
    assertThat(first.getUrl().queryParameter("after")).isNull();
    assertThat(api.take().getUrl().queryParameter("after")).isEqualTo("proj-xyz");
    assertThat(api.server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void archivedProjectsCanBeIncluded() throws Exception {
    api.enqueue(
        200,
        "{\"object\":\"list\",\"data\":[{\"id\":\"proj_old\",\"object\":\"organization.project\","
            + "\"name\":\"Old\",\"created_at\":1,\"archived_at\":2,\"status\":\"archived\","
            + "\"residency\":\"eu\"}],\"has_more\":false}");
    assertThat(client.projects(true))
        .containsExactly(
            new Project(
                "proj_old", "Old", Instant.ofEpochSecond(1), Instant.ofEpochSecond(2), "archived"));
    assertThat(api.take().getUrl().queryParameter("include_archived")).isEqualTo("true");
  }

  @Test
  void projectApiKeysCarryTheirOwnerAndAskForEveryOwnerAccess() throws Exception {
    api.enqueue(
        200,
        SpecData.text("project-api-keys-list.example.json")
            .replace("\"has_more\": false", "\"has_more\": true"));
    api.enqueue(200, listOf("object-project-api-key.example.json"));

    List<ProjectApiKey> keys = client.projectApiKeys("proj_abc");

    ProjectApiKey expected =
        new ProjectApiKey(
            "proj_abc",
            "key_abc",
            "My API Key",
            "sk-abc...def",
            CREATED,
            Instant.ofEpochSecond(1711471534),
            new ProjectApiKey.Owner("user", "user_abc", "First Last", "user@example.com", "owner"),
            "active");
    assertThat(keys).containsExactly(expected, expected);
    RecordedRequest first = api.take();
    assertThat(first.getUrl().encodedPath())
        .isEqualTo("/v1/organization/projects/proj_abc/api_keys");
    assertThat(first.getUrl().queryParameter("owner_project_access")).isEqualTo("any");
    assertThat(first.getUrl().queryParameter("limit")).isEqualTo("100");
    assertThat(api.take().getUrl().queryParameter("after")).isEqualTo("key_xyz");
  }

  @Test
  void theRetrieveExampleReadsLikeAListedKey() {
    api.enqueue(200, listOf("project-api-key-retrieve.example.json"));
    ProjectApiKey k = client.projectApiKeys("proj_abc").get(0);
    assertThat(k.id()).isEqualTo("key_abc");
    assertThat(k.redactedValue()).isEqualTo("sk-abc...def");
    assertThat(k.owner().email()).isEqualTo("user@example.com");
  }

  @Test
  void serviceAccountOwnersAndNeverUsedKeysAreRead() {
    api.enqueue(
        200,
        "{\"object\":\"list\",\"data\":[{\"object\":\"organization.project.api_key\","
            + "\"redacted_value\":\"sk-svcacct-abc...wxyz\",\"name\":\"ci\",\"created_at\":5,"
            + "\"last_used_at\":null,\"id\":\"key_sa\",\"owner\":{\"type\":\"service_account\","
            + "\"service_account\":{\"id\":\"svc_acct_1\",\"name\":\"bot\",\"created_at\":4,"
            + "\"role\":\"member\"}}}],\"has_more\":false}");
    assertThat(client.projectApiKeys("proj_1"))
        .containsExactly(
            new ProjectApiKey(
                "proj_1",
                "key_sa",
                "ci",
                "sk-svcacct-abc...wxyz",
                Instant.ofEpochSecond(5),
                null,
                new ProjectApiKey.Owner("service_account", "svc_acct_1", "bot", null, "member"),
                null));
  }

  @Test
  void aProjectIdIsEncodedIntoThePath() throws Exception {
    api.enqueue(200, "{\"object\":\"list\",\"data\":[],\"has_more\":false}");
    client.projectApiKeys("proj/../x");
    assertThat(api.take().getUrl().encodedPath())
        .isEqualTo("/v1/organization/projects/proj%2F..%2Fx/api_keys");
  }

  @Test
  void aListingThatSaysHasMoreWithoutACursorIsABadResponse() {
    api.enqueue(200, "{\"object\":\"list\",\"data\":[],\"has_more\":true,\"last_id\":null}");
    assertThatThrownBy(() -> client.projects())
        .isInstanceOfSatisfying(
            BadResponseException.class,
            e -> assertThat(e.kind()).isEqualTo(BadResponseException.Kind.UNEXPECTED_JSON))
        .hasMessageContaining("the body is not a list of projects: has_more is true");
  }

  @Test
  void aListedItemWithoutAnIdIsABadResponseWithItsPlace() {
    api.enqueue(200, "{\"object\":\"list\",\"data\":[{\"id\":\"p\"},{\"name\":\"x\"}]}");
    assertThatThrownBy(() -> client.projects())
        .isInstanceOf(BadResponseException.class)
        .hasMessageContaining("expected a string \"id\" but it is missing at $.data[1]");
  }

  @Test
  void modelsAreListedWithTheFrameworkKeyNotTheAdminKey() throws Exception {
    ApiKey framework = ApiKey.of("sk-proj-test-fake-framework-key-000000abcd");
    api.enqueue(
        200,
        "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-5-mini\",\"object\":\"model\",\"created\":1,"
            + "\"owned_by\":\"openai\"},{\"id\":\"gpt-4o\",\"object\":\"model\"}]}");
    assertThat(client.listModels(framework)).containsExactly("gpt-5-mini", "gpt-4o");
    RecordedRequest r = api.take();
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/models");
    assertThat(r.getHeaders().get("Authorization")).isEqualTo(framework.bearerHeaderValue());
  }

  @Test
  void aModelListingWithoutDataIsABadResponse() {
    api.enqueue(200, "{\"object\":\"list\"}");
    assertThatThrownBy(() -> client.listModels(ApiKey.of("sk-proj-test-fake-0000000000001234")))
        .isInstanceOf(BadResponseException.class)
        .hasMessageContaining("/models")
        .hasMessageContaining("no \"data\" array");
  }

  @Test
  void adminCallsWithoutAnAdminKeyAreAConfigurationError() {
    OpenAiAdminClient noKey = api.clientBuilder(null).build();
    assertThatThrownBy(noKey::projects)
        .isInstanceOf(dev.tokenledger.ConfigurationException.class)
        .hasMessageContaining("no admin key");
    assertThat(api.server.getRequestCount()).isZero();
  }

  /**
   * Examples of admin calls this client does not make (admin keys, users, project members, creating
   * and deleting keys): read field by field so the shapes other code may rely on are pinned to the
   * spec.
   */
  @Test
  void examplesOfCallsThisClientDoesNotMakeHoldTheDocumentedFields() throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode adminKey =
        json.readTree(SpecData.bytes("attribution/object-admin-api-key.example.json"));
    assertThat(json.readTree(SpecData.bytes("attribution/admin-api-key-retrieve.example.json")))
        .isEqualTo(adminKey);
    assertThat(adminKey.get("object").asText()).isEqualTo("organization.admin_api_key");
    assertThat(adminKey.get("id").asText()).isEqualTo("key_abc");
    assertThat(adminKey.get("name").asText()).isEqualTo("Main Admin Key");
    assertThat(adminKey.get("redacted_value").asText()).isEqualTo("sk-admin...xyz");
    assertThat(adminKey.get("created_at").asLong()).isEqualTo(1711471533);
    assertThat(adminKey.get("last_used_at").asLong()).isEqualTo(1711471534);
    assertThat(adminKey.has("expires_at")).isFalse(); // a known gap in the spec's example
    JsonNode owner = adminKey.get("owner");
    assertThat(owner.get("type").asText()).isEqualTo("user");
    assertThat(owner.get("object").asText()).isEqualTo("organization.user");
    assertThat(owner.get("id").asText()).isEqualTo("user_123");
    assertThat(owner.get("name").asText()).isEqualTo("John Doe");
    assertThat(owner.get("created_at").asLong()).isEqualTo(1711471533);
    assertThat(owner.get("role").asText()).isEqualTo("owner");

    JsonNode adminList =
        json.readTree(SpecData.bytes("attribution/admin-api-keys-list.example.json"));
    JsonNode listed = adminList.get("data").get(0);
    assertThat(listed.get("redacted_value").asText()).isEqualTo("sk-admin...def");
    assertThat(listed.get("expires_at").asLong()).isEqualTo(1714063533);
    assertThat(listed.get("owner").get("type").asText()).isEqualTo("service_account");
    assertThat(listed.get("owner").get("id").asText()).isEqualTo("sa_456");
    assertThat(listed.get("owner").get("name").asText()).isEqualTo("My Service Account");
    assertThat(listed.get("owner").get("role").asText()).isEqualTo("member");
    assertThat(adminList.get("first_id").asText()).isEqualTo("key_abc");
    assertThat(adminList.get("last_id").asText()).isEqualTo("key_abc");
    assertThat(adminList.get("has_more").asBoolean()).isFalse();

    JsonNode user = json.readTree(SpecData.bytes("attribution/object-user.example.json"));
    assertThat(json.readTree(SpecData.bytes("attribution/user-retrieve.example.json")))
        .isEqualTo(user);
    assertThat(
            json.readTree(SpecData.bytes("attribution/users-list.example.json")).get("data").get(0))
        .isEqualTo(user);
    assertThat(user.get("object").asText()).isEqualTo("organization.user");
    assertThat(user.get("id").asText()).isEqualTo("user_abc");
    assertThat(user.get("name").asText()).isEqualTo("First Last");
    assertThat(user.get("email").asText()).isEqualTo("user@example.com");
    assertThat(user.get("role").asText()).isEqualTo("owner");
    assertThat(user.get("added_at").asLong()).isEqualTo(1711471533);

    JsonNode member = json.readTree(SpecData.bytes("attribution/object-project-user.example.json"));
    assertThat(
            json.readTree(SpecData.bytes("attribution/project-users-list.example.json"))
                .get("data")
                .get(0))
        .isEqualTo(member);
    assertThat(member.get("object").asText()).isEqualTo("organization.project.user");
    assertThat(member.get("email").asText()).isEqualTo("user@example.com");

    JsonNode sa =
        json.readTree(SpecData.bytes("attribution/object-project-service-account.example.json"));
    assertThat(
            json.readTree(SpecData.bytes("attribution/project-service-accounts-list.example.json"))
                .get("data")
                .get(0))
        .isEqualTo(sa);
    assertThat(sa.get("object").asText()).isEqualTo("organization.project.service_account");
    assertThat(sa.get("id").asText()).isEqualTo("svc_acct_abc");
    assertThat(sa.get("name").asText()).isEqualTo("Service Account");
    assertThat(sa.get("role").asText()).isEqualTo("owner");
    assertThat(sa.get("created_at").asLong()).isEqualTo(1711471533);

    JsonNode deleted = json.readTree(SpecData.bytes("project-api-key-delete.example.json"));
    assertThat(deleted.get("object").asText()).isEqualTo("organization.project.api_key.deleted");
    assertThat(deleted.get("id").asText()).isEqualTo("key_abc");
    assertThat(deleted.get("deleted").asBoolean()).isTrue();

    JsonNode created = json.readTree(SpecData.bytes("service-account-api-key-create.example.json"));
    assertThat(created.get("object").asText())
        .isEqualTo("organization.project.service_account.api_key");
    assertThat(created.get("value").asText()).startsWith("sk-"); // the one time a value is shown
    assertThat(created.get("name").asText()).isEqualTo("Production App");
    assertThat(created.get("created_at").asLong()).isEqualTo(1711471533);
    assertThat(created.get("id").asText()).isEqualTo("key_abc");
  }
}
