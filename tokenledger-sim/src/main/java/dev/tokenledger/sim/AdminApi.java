package dev.tokenledger.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.config.KeyClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The organization endpoints used for attribution: projects, their API keys (with {@code
 * redacted_value}, owner and {@code last_used_at}) and admin keys, paged with {@code limit} and
 * {@code after}.
 */
final class AdminApi {
  private final KeyRegistry registry;

  AdminApi(KeyRegistry registry) {
    this.registry = registry;
  }

  ObjectNode listProjects(QueryParams q) {
    boolean includeArchived = Boolean.TRUE.equals(q.getBoolean("include_archived"));
    List<SimProject> projects = new ArrayList<>();
    for (SimProject p : registry.projects()) {
      if (includeArchived || !p.archived()) {
        projects.add(p);
      }
    }
    return page(projects, SimProject::id, AdminApi::project, q, 20);
  }

  ObjectNode retrieveProject(String projectId) {
    return project(requireProject(projectId));
  }

  ObjectNode listProjectKeys(String projectId, QueryParams q) {
    requireProject(projectId);
    String access = q.get("owner_project_access");
    if (access != null && !List.of("active", "inactive", "any").contains(access)) {
      throw ApiError.badRequest(
          "Invalid value for 'owner_project_access': '"
              + access
              + "'. Supported values are: 'active', 'inactive' and 'any'.",
          "owner_project_access");
    }
    List<SimKey> keys = new ArrayList<>();
    for (SimKey k : registry.keysOfProject(projectId)) {
      boolean active = k.ownerHasProjectAccess();
      boolean include =
          access == null || access.equals("active")
              ? active
              : access.equals("inactive") ? !active : true;
      if (include) {
        keys.add(k);
      }
    }
    return page(keys, SimKey::id, this::projectKey, q, 20);
  }

  ObjectNode retrieveProjectKey(String projectId, String keyId) {
    requireProject(projectId);
    SimKey key =
        registry
            .byId(keyId)
            .filter(k -> projectId.equals(k.projectId()))
            .orElseThrow(
                () ->
                    ApiError.invalidRequest(
                        404,
                        "No such API key: " + keyId + " in project " + projectId + ".",
                        "api_key_id",
                        null));
    return projectKey(key);
  }

  ObjectNode listAdminKeys(QueryParams q) {
    List<SimKey> keys = new ArrayList<>();
    for (SimKey k : registry.keys()) {
      if (k.keyClass() == KeyClass.ADMIN) {
        keys.add(k);
      }
    }
    String order = q.get("order");
    if ("desc".equals(order)) {
      java.util.Collections.reverse(keys);
    } else if (order != null && !"asc".equals(order)) {
      throw ApiError.badRequest(
          "Invalid value for 'order': '" + order + "'. Supported values are: 'asc' and 'desc'.",
          "order");
    }
    return page(keys, SimKey::id, this::adminKey, q, 20);
  }

  private SimProject requireProject(String projectId) {
    return registry
        .project(projectId)
        .orElseThrow(
            () ->
                ApiError.invalidRequest(
                    404, "No such project: " + projectId + ".", "project_id", null));
  }

  private static <T> ObjectNode page(
      List<T> all,
      Function<T, String> id,
      Function<T, ObjectNode> render,
      QueryParams q,
      int defaultLimit) {
    Long limitParam = q.getLong("limit");
    int limit = limitParam == null ? defaultLimit : limitParam.intValue();
    if (limitParam != null && (limitParam < 1 || limitParam > 100)) {
      throw ApiError.badRequest(
          "Invalid value for 'limit': " + limitParam + ". It must be between 1 and 100.", "limit");
    }
    int from = 0;
    String after = q.get("after");
    if (after != null && !after.isEmpty()) {
      from = all.size();
      for (int i = 0; i < all.size(); i++) {
        if (id.apply(all.get(i)).equals(after)) {
          from = i + 1;
          break;
        }
      }
    }
    int to = Math.min(all.size(), from + limit);
    ObjectNode body = Json.object();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    for (int i = from; i < to; i++) {
      data.add(render.apply(all.get(i)));
    }
    body.put("first_id", from < to ? id.apply(all.get(from)) : null);
    body.put("last_id", from < to ? id.apply(all.get(to - 1)) : null);
    body.put("has_more", to < all.size());
    return body;
  }

  private static ObjectNode project(SimProject p) {
    ObjectNode o = Json.object();
    o.put("id", p.id());
    o.put("object", "organization.project");
    o.put("name", p.name());
    o.put("created_at", p.createdAt().getEpochSecond());
    if (p.archivedAt() == null) {
      o.putNull("archived_at");
    } else {
      o.put("archived_at", p.archivedAt().getEpochSecond());
    }
    o.put("status", p.archived() ? "archived" : "active");
    return o;
  }

  private ObjectNode projectKey(SimKey k) {
    ObjectNode o = Json.object();
    o.put("object", "organization.project.api_key");
    o.put("redacted_value", k.redactedValue());
    o.put("name", k.name());
    o.put("created_at", k.createdAt().getEpochSecond());
    putLastUsed(o, k);
    o.put("id", k.id());
    o.put("owner_project_access", k.ownerHasProjectAccess() ? "active" : "inactive");
    ObjectNode owner = o.putObject("owner");
    SimOwner ow = k.owner();
    owner.put("type", ow.type().wireName());
    ObjectNode who = owner.putObject(ow.type().wireName());
    who.put("id", ow.id());
    who.put("name", ow.name());
    if (ow.type() == SimOwner.Type.USER) {
      who.put("email", ow.email());
    }
    who.put("role", ow.role());
    who.put("created_at", ow.createdAt().getEpochSecond());
    return o;
  }

  private ObjectNode adminKey(SimKey k) {
    ObjectNode o = Json.object();
    o.put("object", "organization.admin_api_key");
    o.put("id", k.id());
    o.put("name", k.name());
    o.put("redacted_value", k.redactedValue());
    o.put("created_at", k.createdAt().getEpochSecond());
    o.putNull("expires_at");
    putLastUsed(o, k);
    ObjectNode owner = o.putObject("owner");
    SimOwner ow = k.owner();
    owner.put("type", ow.type().wireName());
    owner.put(
        "object",
        ow.type() == SimOwner.Type.USER ? "organization.user" : "organization.service_account");
    owner.put("id", ow.id());
    owner.put("name", ow.name());
    owner.put("created_at", ow.createdAt().getEpochSecond());
    owner.put("role", ow.role());
    return o;
  }

  private void putLastUsed(ObjectNode o, SimKey k) {
    Instant last = registry.lastUsed(k.id());
    if (last == null) {
      o.putNull("last_used_at");
    } else {
      o.put("last_used_at", last.getEpochSecond());
    }
  }
}
