package dev.tokenledger.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * {@code POST /v1/embeddings}: unit vectors drawn from the input's hash (the same input always gets
 * the same vector), in floats or base64, with the input's tokens filed as usage.
 */
record EmbeddingsApi(ModelCatalogue models, Clock clock, UsageFiler filer) {

  SimResponse serve(SimKey key, byte[] rawBody) {
    JsonNode req = Json.request(rawBody);
    SimModel model = models.named(req.path("model").asText(null));
    if (model.kind() != SimModel.Kind.EMBEDDING) {
      throw ApiError.badRequest(
          "This model does not support embeddings: " + model.alias() + ".", "model");
    }
    List<JsonNode> inputs = embeddingInputs(req.get("input"));
    int dims = model.embeddingDimensions();
    if (req.hasNonNull("dimensions")) {
      dims = req.get("dimensions").asInt();
      if (dims < 1 || dims > model.embeddingDimensions()) {
        throw ApiError.badRequest(
            "Invalid value for 'dimensions': "
                + dims
                + ". It must be between 1 and "
                + model.embeddingDimensions()
                + ".",
            "dimensions");
      }
    }
    String format = req.path("encoding_format").asText("float");
    if (!format.equals("float") && !format.equals("base64")) {
      throw ApiError.badRequest(
          "Invalid value for 'encoding_format': '"
              + format
              + "'. Supported values are: 'float' and 'base64'.",
          "encoding_format");
    }
    ObjectNode body = Json.object();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    long tokens = 0;
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode in = inputs.get(i);
      tokens += in.isTextual() ? Tokens.count(in.asText()) : in.size();
      float[] vector =
          vector(ReplyGenerator.hash(in.toString().getBytes(StandardCharsets.UTF_8)), dims);
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      if (format.equals("base64")) {
        ByteBuffer b = ByteBuffer.allocate(dims * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : vector) {
          b.putFloat(f);
        }
        item.put("embedding", Base64.getEncoder().encodeToString(b.array()));
      } else {
        ArrayNode arr = item.putArray("embedding");
        for (float f : vector) {
          arr.add(f);
        }
      }
    }
    body.put("model", model.snapshot());
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", tokens);
    usage.put("total_tokens", tokens);
    Instant finished = clock.instant();
    filer.fileEmbedding(key, model.snapshot(), finished, tokens);
    return SimResponse.json(body);
  }

  private static List<JsonNode> embeddingInputs(JsonNode input) {
    List<JsonNode> out = new ArrayList<>();
    if (input != null && input.isTextual()) {
      out.add(input);
    } else if (input != null && input.isArray() && !input.isEmpty()) {
      if (input.get(0).isInt()) {
        out.add(input);
      } else {
        input.forEach(out::add);
      }
    }
    for (JsonNode in : out) {
      if (!(in.isTextual() && !in.asText().isEmpty()) && !(in.isArray() && !in.isEmpty())) {
        throw ApiError.badRequest(
            "'input' must be a non-empty string, an array of non-empty strings, or token arrays.",
            "input");
      }
    }
    if (out.isEmpty()) {
      throw ApiError.missingParameter("input");
    }
    return out;
  }

  private static float[] vector(long seed, int dims) {
    Random r = new Random(seed);
    float[] v = new float[dims];
    double norm = 0;
    for (int i = 0; i < dims; i++) {
      v[i] = (float) r.nextGaussian();
      norm += v[i] * v[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dims; i++) {
      v[i] *= scale;
    }
    return v;
  }
}
