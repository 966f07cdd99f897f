package dev.tokenledger.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminEndpointsTest {
  private static final Instant T0 = Instant.parse("2024-11-03T12:00:00Z");

  private OpenAiSimulator sim;
  private SimHttp http;
  private SimKey admin;

  @BeforeEach
  void start() {
    sim =
        OpenAiSimulator.builder()
            .clock(SimClock.stepped(T0))
            .reportingDelay(ReportingDelay.none())
            .start();
    http = new SimHttp(sim);
    admin = sim.register(SimKey.admin("usage reader"));
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void projectsArePagedWithLimitAndAfter() throws Exception {
    for (int i = 0; i < 5; i++) {
      sim.addProject("proj_" + i, "Project " + i);
    }

    JsonNode first = http.get(admin, "/organization/projects?limit=2").json();
    JsonNode second = http.get(admin, "/organization/projects?limit=2&after=proj_1").json();
    JsonNode last = http.get(admin, "/organization/projects?limit=2&after=proj_3").json();

    assertThat(first.get("object").asText()).isEqualTo("list");
    assertThat(first.get("first_id").asText()).isEqualTo("proj_0");
    assertThat(first.get("last_id").asText()).isEqualTo("proj_1");
    assertThat(first.get("has_more").asBoolean()).isTrue();
    assertThat(second.at("/data/0/id").asText()).isEqualTo("proj_2");
    assertThat(last.get("data")).hasSize(1);
    assertThat(last.get("has_more").asBoolean()).isFalse();
    JsonNode p = first.at("/data/0");
    assertThat(p.get("object").asText()).isEqualTo("organization.project");
    assertThat(p.get("name").asText()).isEqualTo("Project 0");
    assertThat(p.get("created_at").asLong()).isEqualTo(T0.getEpochSecond());
    assertThat(p.get("status").asText()).isEqualTo("active");
    assertThat(p.get("archived_at").isNull()).isTrue();
    assertThat(http.get(admin, "/organization/projects/proj_3").json().get("name").asText())
        .isEqualTo("Project 3");
    assertThat(http.get(admin, "/organization/projects/proj_9").status()).isEqualTo(404);
    assertThat(http.get(admin, "/organization/projects?limit=101").status()).isEqualTo(400);
  }

  @Test
  void projectKeysShowRedactedValuesOwnersAndWhenTheyWereLastUsed() throws Exception {
    SimKey user = sim.register(SimKey.project("chatdev", "proj_a").projectName("Experiments"));
    SimKey bot = sim.register(SimKey.serviceAccount("ci bot", "proj_a"));

    JsonNode before =
        http.get(admin, "/organization/projects/proj_a/api_keys?owner_project_access=any").json();
    sim.clock().advance(Duration.ofMinutes(5));
    http.post(
        user,
        "/chat/completions",
        Map.of(
            "model", "gpt-4o-mini", "messages", List.of(Map.of("role", "user", "content", "hi"))));
    JsonNode after = http.get(admin, "/organization/projects/proj_a/api_keys").json();

    assertThat(before.at("/data/0/last_used_at").isNull()).isTrue();
    JsonNode k = after.at("/data/0");
    assertThat(k.get("object").asText()).isEqualTo("organization.project.api_key");
    assertThat(k.get("id").asText()).isEqualTo(user.id());
    assertThat(k.get("name").asText()).isEqualTo("chatdev");
    assertThat(user.apiKey().matchesRedacted(k.get("redacted_value").asText())).isTrue();
    assertThat(bot.apiKey().matchesRedacted(k.get("redacted_value").asText())).isFalse();
    assertThat(k.get("last_used_at").asLong())
        .isEqualTo(T0.plus(Duration.ofMinutes(5)).getEpochSecond());
    assertThat(k.get("owner_project_access").asText()).isEqualTo("active");
    assertThat(k.at("/owner/type").asText()).isEqualTo("user");
    assertThat(k.at("/owner/user/id").asText()).isEqualTo(user.owner().id());
    assertThat(k.at("/owner/user/email").asText()).contains("@");
    JsonNode b = after.at("/data/1");
    assertThat(b.at("/owner/type").asText()).isEqualTo("service_account");
    assertThat(b.at("/owner/service_account/name").asText()).isEqualTo("ci bot");
    assertThat(b.at("/owner/user").isMissingNode()).isTrue();
    assertThat(http.get(admin, "/organization/projects").json().at("/data/0/name").asText())
        .isEqualTo("Experiments");
    assertThat(
            http.get(admin, "/organization/projects/proj_a/api_keys/" + bot.id())
                .json()
                .get("id")
                .asText())
        .isEqualTo(bot.id());
  }

  @Test
  void keysWhoseOwnerLostAccessAreHiddenUnlessAskedFor() throws Exception {
    SimKey active = sim.register(SimKey.project("active", "proj_a"));
    SimKey orphan = sim.register(SimKey.project("orphan", "proj_a").ownerProjectAccess(false));

    assertThat(ids(http.get(admin, "/organization/projects/proj_a/api_keys").json()))
        .containsExactly(active.id());
    assertThat(
            ids(
                http.get(
                        admin,
                        "/organization/projects/proj_a/api_keys?owner_project_access=inactive")
                    .json()))
        .containsExactly(orphan.id());
    assertThat(
            ids(
                http.get(admin, "/organization/projects/proj_a/api_keys?owner_project_access=any")
                    .json()))
        .containsExactly(active.id(), orphan.id());
    assertThat(
            http.get(admin, "/organization/projects/proj_a/api_keys?owner_project_access=some")
                .status())
        .isEqualTo(400);
  }

  @Test
  void keyListingsPageWithAfter() throws Exception {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(sim.register(SimKey.project("k" + i, "proj_a")).id());
    }
    List<String> seen = new ArrayList<>();
    String after = null;
    while (true) {
      JsonNode page =
          http.get(
                  admin,
                  "/organization/projects/proj_a/api_keys?limit=2"
                      + (after == null ? "" : "&after=" + after))
              .json();
      seen.addAll(ids(page));
      if (!page.get("has_more").asBoolean()) {
        break;
      }
      after = page.get("last_id").asText();
    }
    assertThat(seen).isEqualTo(all);
  }

  @Test
  void adminKeysAreListedSeparately() throws Exception {
    sim.register(SimKey.project("p", "proj_a"));

    JsonNode r = http.get(admin, "/organization/admin_api_keys").json();

    assertThat(ids(r)).containsExactly(admin.id());
    assertThat(r.at("/data/0/object").asText()).isEqualTo("organization.admin_api_key");
    assertThat(r.at("/data/0/redacted_value").asText()).startsWith("sk-admin-");
    assertThat(r.at("/data/0/owner/object").asText()).isEqualTo("organization.user");
  }

  private static List<String> ids(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.get("data").forEach(d -> out.add(d.get("id").asText()));
    return out;
  }
}
