package dev.tokenledger.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models served, by alias and by snapshot: {@code /v1/models} and the model a request names.
 */
final class ModelCatalogue {
  private final Map<String, SimModel> models = new LinkedHashMap<>();

  ModelCatalogue(List<SimModel> catalogue) {
    for (SimModel m : catalogue) {
      models.put(m.alias(), m);
      models.putIfAbsent(m.snapshot(), m);
    }
  }

  SimResponse list() {
    ObjectNode body = Json.object();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    models.forEach((id, m) -> data.add(modelObject(id, m)));
    return SimResponse.json(body);
  }

  SimResponse retrieve(String id) {
    SimModel m = models.get(id);
    if (m == null) {
      throw modelNotFound(id);
    }
    return SimResponse.json(modelObject(id, m));
  }

  private static ObjectNode modelObject(String id, SimModel m) {
    ObjectNode o = Json.object();
    o.put("id", id);
    o.put("object", "model");
    o.put("created", m.created().getEpochSecond());
    o.put("owned_by", "system");
    return o;
  }

  /** The snapshot a requested model name resolves to, if the model is served. */
  String snapshotOf(String name) {
    SimModel m = models.get(name);
    return m == null ? null : m.snapshot();
  }

  /** The chat or reasoning model a request names; OpenAI's 404 for an embedding model. */
  SimModel forText(JsonNode req, String endpoint) {
    SimModel m = named(req.path("model").asText(null));
    if (m.kind() == SimModel.Kind.EMBEDDING) {
      throw ApiError.invalidRequest(
          404,
          "This is not a chat model and thus not supported in the v1/"
              + endpoint
              + " endpoint. Did you mean to use v1/embeddings?",
          "model",
          null);
    }
    return m;
  }

  /** The model a request names: OpenAI's 400 without one, 404 for one not served. */
  SimModel named(String name) {
    if (name == null || name.isEmpty()) {
      throw ApiError.badRequest("you must provide a model parameter", null);
    }
    SimModel m = models.get(name);
    if (m == null) {
      throw modelNotFound(name);
    }
    return m;
  }

  private static ApiError modelNotFound(String name) {
    return ApiError.invalidRequest(
        404,
        "The model `" + name + "` does not exist or you do not have access to it.",
        null,
        "model_not_found");
  }
}
