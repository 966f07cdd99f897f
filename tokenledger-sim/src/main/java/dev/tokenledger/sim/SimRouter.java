package dev.tokenledger.sim;

import dev.tokenledger.config.KeyClass;
import java.util.Optional;

/**
 * Routes a simulator request to the API that answers it, after checking that the key may call that
 * endpoint (a project key for model endpoints, an admin key with the scope for the organization's).
 */
record SimRouter(
    SimClock clock,
    KeyRegistry registry,
    ModelApi modelApi,
    UsageApi usageApi,
    CostsApi costsApi,
    AdminApi adminApi) {
  private enum Access {
    MODEL,
    USAGE,
    ORGANIZATION
  }

  SimResponse route(
      String method,
      String path,
      String rel,
      String rawQuery,
      String keyValue,
      SimKey key,
      byte[] body) {
    if (rel == null) {
      throw ApiError.notFound(method, path);
    }
    String[] seg = rel.substring(1).split("/", -1);
    QueryParams q = QueryParams.parse(rawQuery);
    boolean get = method.equals("GET");
    boolean post = method.equals("POST");
    if (post && rel.equals("/chat/completions")) {
      return modelApi.chatCompletions(authorize(Access.MODEL, keyValue, key), body);
    }
    if (post && rel.equals("/responses")) {
      return modelApi.responses(authorize(Access.MODEL, keyValue, key), body);
    }
    if (post && rel.equals("/embeddings")) {
      return modelApi.embeddings(authorize(Access.MODEL, keyValue, key), body);
    }
    if (get && rel.equals("/models")) {
      authorize(Access.MODEL, keyValue, key);
      return modelApi.listModels();
    }
    if (get && seg.length == 2 && seg[0].equals("models")) {
      authorize(Access.MODEL, keyValue, key);
      return modelApi.retrieveModel(seg[1]);
    }
    if (get && seg.length >= 2 && seg[0].equals("organization")) {
      Optional<UsageEndpoint> usage = UsageEndpoint.forPath(rel);
      if (usage.isPresent()) {
        authorize(Access.USAGE, keyValue, key);
        return SimResponse.json(usageApi.query(usage.get(), q, clock.instant()));
      }
      if (rel.equals("/organization/costs")) {
        authorize(Access.USAGE, keyValue, key);
        return SimResponse.json(costsApi.query(q, clock.instant()));
      }
      if (rel.equals("/organization/admin_api_keys")) {
        authorize(Access.ORGANIZATION, keyValue, key);
        return SimResponse.json(adminApi.listAdminKeys(q));
      }
      if (seg[1].equals("projects")) {
        if (seg.length == 2) {
          authorize(Access.ORGANIZATION, keyValue, key);
          return SimResponse.json(adminApi.listProjects(q));
        }
        if (seg.length == 3) {
          authorize(Access.ORGANIZATION, keyValue, key);
          return SimResponse.json(adminApi.retrieveProject(seg[2]));
        }
        if (seg.length == 4 && seg[3].equals("api_keys")) {
          authorize(Access.ORGANIZATION, keyValue, key);
          return SimResponse.json(adminApi.listProjectKeys(seg[2], q));
        }
        if (seg.length == 5 && seg[3].equals("api_keys")) {
          authorize(Access.ORGANIZATION, keyValue, key);
          return SimResponse.json(adminApi.retrieveProjectKey(seg[2], seg[4]));
        }
      }
    }
    throw ApiError.notFound(method, path);
  }

  private SimKey authorize(Access access, String keyValue, SimKey key) {
    if (keyValue == null) {
      throw ApiError.noKey();
    }
    if (key == null) {
      throw ApiError.incorrectKey(keyValue);
    }
    boolean admin = key.keyClass() == KeyClass.ADMIN;
    switch (access) {
      case MODEL -> {
        if (admin) {
          throw ApiError.adminKeyOnModelEndpoint();
        }
        if (!key.hasScope(SimKey.SCOPE_MODEL_REQUEST)) {
          throw ApiError.missingScope(SimKey.SCOPE_MODEL_REQUEST);
        }
      }
      case USAGE -> {
        if (!admin || !key.hasScope(SimKey.SCOPE_USAGE_READ)) {
          throw ApiError.missingScope(SimKey.SCOPE_USAGE_READ);
        }
      }
      case ORGANIZATION -> {
        if (!admin || !key.hasScope(SimKey.SCOPE_ORGANIZATION_READ)) {
          throw ApiError.missingScope(SimKey.SCOPE_ORGANIZATION_READ);
        }
      }
    }
    registry.markUsed(key, clock.instant());
    return key;
  }
}
