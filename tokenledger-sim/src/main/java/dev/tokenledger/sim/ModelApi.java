package dev.tokenledger.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenledger.TokenCounts;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The model endpoints: chat completions (plain and streamed), responses, embeddings and models.
 * Every served request is filed as usage in the minute it finished.
 */
final class ModelApi {
  private static final String HEX = "0123456789abcdef";
  private static final String ALPHANUMERIC =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final ModelCatalogue models;
  private final EmbeddingsApi embeddings;
  private final Clock clock;
  private final UsageFiler filer;
  private final PromptCache cache;
  private final ReplyGenerator replies;
  private final Random ids;

  ModelApi(List<SimModel> catalogue, Clock clock, UsageFiler filer, PromptCache cache, long seed) {
    this.models = new ModelCatalogue(catalogue);
    this.embeddings = new EmbeddingsApi(models, clock, filer);
    this.clock = clock;
    this.filer = filer;
    this.cache = cache;
    this.replies = new ReplyGenerator(seed);
    this.ids = new Random(seed ^ 0x5DEECE66DL);
  }

  // ---------------------------------------------------------------- chat completions

  SimResponse chatCompletions(SimKey key, byte[] rawBody) {
    JsonNode req = Json.request(rawBody);
    SimModel model = models.forText(req, "chat/completions");
    JsonNode messages = req.get("messages");
    if (messages == null || messages.isNull()) {
      throw ApiError.missingParameter("messages");
    }
    if (!messages.isArray() || messages.isEmpty()) {
      throw ApiError.invalidRequest(
          400,
          "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an"
              + " empty array instead.",
          "messages",
          "empty_array");
    }
    boolean reasoning = model.kind() == SimModel.Kind.REASONING;
    if (reasoning && req.hasNonNull("max_tokens")) {
      throw ApiError.invalidRequest(
          400,
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use"
              + " 'max_completion_tokens' instead.",
          "max_tokens",
          "unsupported_parameter");
    }
    Integer max = positiveInt(req, "max_completion_tokens");
    if (max == null) {
      max = positiveInt(req, "max_tokens");
    }
    int n = req.hasNonNull("n") ? req.get("n").asInt(1) : 1;
    if (n < 1 || n > 128) {
      throw ApiError.badRequest(
          "Invalid value for 'n': " + n + ". It must be between 1 and 128.", "n");
    }
    String tier = serviceTier(req);
    boolean stream = req.path("stream").asBoolean(false);
    if (!stream && req.hasNonNull("stream_options")) {
      throw ApiError.badRequest(
          "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
          "stream_options");
    }
    boolean includeUsage =
        stream && req.path("stream_options").path("include_usage").asBoolean(false);

    Tokens.Sequence prompt =
        Tokens.chatPrompt(messages, req.get("tools"), req.get("response_format"));
    Instant now = clock.instant();
    int cached = cache.lookupAndStore(cacheScope(key), prompt.toArray(), now);
    long hash = ReplyGenerator.hash(rawBody);
    String effort = req.path("reasoning_effort").asText(null);
    List<ReplyGenerator.Reply> choices = new ArrayList<>();
    int completion = 0;
    int reasoningTokens = 0;
    for (int i = 0; i < n; i++) {
      ReplyGenerator.Reply r = replies.generate(hash, i, reasoning, effort, max);
      choices.add(r);
      completion += r.tokens() + r.reasoningTokens();
      reasoningTokens += r.reasoningTokens();
    }
    int promptTokens = prompt.size();
    Instant finished =
        fileServed(key, model, tier, new TokenCounts(promptTokens, cached, completion, 1));

    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completion);
    usage.put("total_tokens", promptTokens + completion);
    ObjectNode ptd = usage.putObject("prompt_tokens_details");
    ptd.put("cached_tokens", cached);
    ptd.put("audio_tokens", 0);
    ObjectNode ctd = usage.putObject("completion_tokens_details");
    ctd.put("reasoning_tokens", reasoningTokens);
    ctd.put("audio_tokens", 0);
    ctd.put("accepted_prediction_tokens", 0);
    ctd.put("rejected_prediction_tokens", 0);

    String id = "chatcmpl-" + random(ALPHANUMERIC, 29);
    long created = finished.getEpochSecond();
    String fingerprint = fingerprint(model);
    if (stream) {
      return chatStream(
          id, created, model, tier, fingerprint, choices, includeUsage ? usage : null);
    }
    ObjectNode body = Json.object();
    body.put("id", id);
    body.put("object", "chat.completion");
    body.put("created", created);
    body.put("model", model.snapshot());
    ArrayNode cs = body.putArray("choices");
    for (int i = 0; i < choices.size(); i++) {
      ObjectNode c = cs.addObject();
      c.put("index", i);
      ObjectNode msg = c.putObject("message");
      msg.put("role", "assistant");
      msg.put("content", choices.get(i).text());
      msg.putNull("refusal");
      msg.putArray("annotations");
      c.putNull("logprobs");
      c.put("finish_reason", choices.get(i).cut() ? "length" : "stop");
    }
    body.set("usage", usage);
    body.put("service_tier", tier);
    body.put("system_fingerprint", fingerprint);
    return SimResponse.json(body);
  }

  private SimResponse chatStream(
      String id,
      long created,
      SimModel model,
      String tier,
      String fingerprint,
      List<ReplyGenerator.Reply> choices,
      ObjectNode usage) {
    List<byte[]> events = new ArrayList<>();
    for (int i = 0; i < choices.size(); i++) {
      ObjectNode delta = Json.object();
      delta.put("role", "assistant");
      delta.put("content", "");
      delta.putNull("refusal");
      events.add(chunk(id, created, model, tier, fingerprint, i, delta, null, usage != null));
      for (String piece : choices.get(i).pieces()) {
        ObjectNode d = Json.object();
        d.put("content", piece);
        events.add(chunk(id, created, model, tier, fingerprint, i, d, null, usage != null));
      }
      String finish = choices.get(i).cut() ? "length" : "stop";
      events.add(
          chunk(id, created, model, tier, fingerprint, i, Json.object(), finish, usage != null));
    }
    if (usage != null) {
      ObjectNode last = chunkBase(id, created, model, tier, fingerprint);
      last.putArray("choices");
      last.set("usage", usage);
      events.add(SimResponse.dataEvent(Json.string(last)));
    }
    events.add(SimResponse.dataEvent("[DONE]"));
    return new SimResponse.Events(events);
  }

  private static ObjectNode chunkBase(
      String id, long created, SimModel model, String tier, String fingerprint) {
    ObjectNode c = Json.object();
    c.put("id", id);
    c.put("object", "chat.completion.chunk");
    c.put("created", created);
    c.put("model", model.snapshot());
    c.put("service_tier", tier);
    c.put("system_fingerprint", fingerprint);
    return c;
  }

  private static byte[] chunk(
      String id,
      long created,
      SimModel model,
      String tier,
      String fingerprint,
      int index,
      ObjectNode delta,
      String finishReason,
      boolean usageField) {
    ObjectNode c = chunkBase(id, created, model, tier, fingerprint);
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", index);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    if (usageField) {
      c.putNull("usage");
    }
    return SimResponse.dataEvent(Json.string(c));
  }

  // ---------------------------------------------------------------- responses

  SimResponse responses(SimKey key, byte[] rawBody) {
    JsonNode req = Json.request(rawBody);
    SimModel model = models.forText(req, "responses");
    JsonNode input = req.get("input");
    if (input == null
        || input.isNull()
        || (!input.isTextual() && !input.isArray())
        || (input.isArray() && input.isEmpty())) {
      throw ApiError.missingParameter("input");
    }
    boolean reasoning = model.kind() == SimModel.Kind.REASONING;
    Integer max = positiveInt(req, "max_output_tokens");
    String tier = serviceTier(req);
    boolean stream = req.path("stream").asBoolean(false);
    Tokens.Sequence prompt =
        Tokens.responsesPrompt(input, req.get("instructions"), req.get("tools"));
    int cached = cache.lookupAndStore(cacheScope(key), prompt.toArray(), clock.instant());
    String effort = req.path("reasoning").path("effort").asText(null);
    ReplyGenerator.Reply reply =
        replies.generate(ReplyGenerator.hash(rawBody), 0, reasoning, effort, max);
    int output = reply.tokens() + reply.reasoningTokens();
    Instant finished =
        fileServed(key, model, tier, new TokenCounts(prompt.size(), cached, output, 1));

    ObjectNode usage = Json.object();
    usage.put("input_tokens", prompt.size());
    usage.putObject("input_tokens_details").put("cached_tokens", cached);
    usage.put("output_tokens", output);
    usage.putObject("output_tokens_details").put("reasoning_tokens", reply.reasoningTokens());
    usage.put("total_tokens", prompt.size() + output);

    String id = "resp_" + random(HEX, 48);
    String messageId = "msg_" + random(HEX, 48);
    String reasoningId = reasoning ? "rs_" + random(HEX, 48) : null;
    ObjectNode done =
        responseObject(id, finished, model, tier, req, reply, reasoningId, messageId, usage);
    if (!stream) {
      return SimResponse.json(done);
    }
    List<byte[]> events = new ArrayList<>();
    int seq = 0;
    ObjectNode inProgress = done.deepCopy();
    inProgress.put("status", "in_progress");
    inProgress.putNull("incomplete_details");
    inProgress.putArray("output");
    inProgress.putNull("usage");
    events.add(responseEvent("response.created", seq++, e -> e.set("response", inProgress)));
    int outputIndex = reasoning ? 1 : 0;
    for (String piece : reply.pieces()) {
      int s = seq++;
      events.add(
          responseEvent(
              "response.output_text.delta",
              s,
              e -> {
                e.put("item_id", messageId);
                e.put("output_index", outputIndex);
                e.put("content_index", 0);
                e.put("delta", piece);
              }));
    }
    events.add(
        responseEvent(
            "response.output_text.done",
            seq++,
            e -> {
              e.put("item_id", messageId);
              e.put("output_index", outputIndex);
              e.put("content_index", 0);
              e.put("text", reply.text());
            }));
    String finalType = reply.cut() ? "response.incomplete" : "response.completed";
    events.add(responseEvent(finalType, seq, e -> e.set("response", done)));
    return new SimResponse.Events(events);
  }

  private static byte[] responseEvent(
      String type, int sequence, java.util.function.Consumer<ObjectNode> fill) {
    ObjectNode e = Json.object();
    e.put("type", type);
    e.put("sequence_number", sequence);
    fill.accept(e);
    return SimResponse.namedEvent(type, Json.string(e));
  }

  private static ObjectNode responseObject(
      String id,
      Instant created,
      SimModel model,
      String tier,
      JsonNode req,
      ReplyGenerator.Reply reply,
      String reasoningId,
      String messageId,
      ObjectNode usage) {
    ObjectNode r = Json.object();
    r.put("id", id);
    r.put("object", "response");
    r.put("created_at", created.getEpochSecond());
    r.put("status", reply.cut() ? "incomplete" : "completed");
    r.put("background", false);
    r.putNull("error");
    if (reply.cut()) {
      r.putObject("incomplete_details").put("reason", "max_output_tokens");
    } else {
      r.putNull("incomplete_details");
    }
    r.set("instructions", req.hasNonNull("instructions") ? req.get("instructions") : null);
    r.set(
        "max_output_tokens",
        req.hasNonNull("max_output_tokens") ? req.get("max_output_tokens") : null);
    r.put("model", model.snapshot());
    ArrayNode output = r.putArray("output");
    if (reasoningId != null) {
      ObjectNode rs = output.addObject();
      rs.put("id", reasoningId);
      rs.put("type", "reasoning");
      rs.putArray("summary");
    }
    if (!reply.text().isEmpty() || !reply.cut()) {
      ObjectNode msg = output.addObject();
      msg.put("id", messageId);
      msg.put("type", "message");
      msg.put("status", reply.cut() ? "incomplete" : "completed");
      ObjectNode part = msg.putArray("content").addObject();
      part.put("type", "output_text");
      part.putArray("annotations");
      part.putArray("logprobs");
      part.put("text", reply.text());
      msg.put("role", "assistant");
    }
    r.put("parallel_tool_calls", true);
    r.set(
        "previous_response_id",
        req.hasNonNull("previous_response_id") ? req.get("previous_response_id") : null);
    ObjectNode reasoning = r.putObject("reasoning");
    JsonNode effort = req.path("reasoning").get("effort");
    reasoning.set("effort", effort);
    reasoning.putNull("summary");
    r.put("service_tier", tier);
    r.put("store", req.path("store").asBoolean(true));
    r.put("temperature", req.path("temperature").asDouble(1.0));
    r.putObject("text").putObject("format").put("type", "text");
    r.put("tool_choice", "auto");
    r.set("tools", req.has("tools") ? req.get("tools") : Json.MAPPER.createArrayNode());
    r.put("top_p", req.path("top_p").asDouble(1.0));
    r.put("truncation", "disabled");
    r.set("usage", usage);
    r.putNull("user");
    r.set("metadata", req.has("metadata") ? req.get("metadata") : Json.object());
    return r;
  }

  // ---------------------------------------------------------------- embeddings and models

  SimResponse embeddings(SimKey key, byte[] rawBody) {
    return embeddings.serve(key, rawBody);
  }

  SimResponse listModels() {
    return models.list();
  }

  SimResponse retrieveModel(String id) {
    return models.retrieve(id);
  }

  /** The snapshot a requested model name resolves to, if the model is served. */
  String snapshotOf(String name) {
    return models.snapshotOf(name);
  }

  // ---------------------------------------------------------------- helpers

  /** Files a served (non-batch) request as usage in the minute it finished, which is now. */
  private Instant fileServed(SimKey key, SimModel model, String tier, TokenCounts counts) {
    Instant finished = clock.instant();
    filer.fileCompletion(key, model.snapshot(), tier, false, finished, counts);
    return finished;
  }

  private static String serviceTier(JsonNode req) {
    JsonNode t = req.get("service_tier");
    if (t == null || t.isNull()) {
      return "default";
    }
    String tier = t.asText().toLowerCase(Locale.ROOT);
    return switch (tier) {
      case "auto", "default" -> "default";
      case "flex", "priority", "scale" -> tier;
      default ->
          throw ApiError.badRequest(
              "Invalid value for 'service_tier': '"
                  + t.asText()
                  + "'. Supported values are: 'auto', 'default', 'flex', 'scale' and 'priority'.",
              "service_tier");
    };
  }

  private static Integer positiveInt(JsonNode req, String field) {
    JsonNode v = req.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToInt() || v.asInt() < 1) {
      throw ApiError.badRequest(
          "Invalid '"
              + field
              + "': integer below minimum value. Expected a value >= 1, but got "
              + v
              + " instead.",
          field);
    }
    return v.asInt();
  }

  private static String cacheScope(SimKey key) {
    return key.projectId() != null ? key.projectId() : key.id();
  }

  private static String fingerprint(SimModel model) {
    long h = ReplyGenerator.mix(model.snapshot().hashCode());
    return "fp_" + String.format(Locale.ROOT, "%010x", h & 0xFF_FFFF_FFFFL);
  }

  private String random(String alphabet, int length) {
    StringBuilder sb = new StringBuilder(length);
    synchronized (ids) {
      for (int i = 0; i < length; i++) {
        sb.append(alphabet.charAt(ids.nextInt(alphabet.length())));
      }
    }
    return sb.toString();
  }
}
