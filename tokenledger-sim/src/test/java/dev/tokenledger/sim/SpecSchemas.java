package dev.tokenledger.sim;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates JSON against the response schemas of OpenAI's spec extracts (copied into the test
 * resources), loaded whole so their {@code #/components/schemas/...} references resolve.
 */
final class SpecSchemas {
  static final String USAGE_COSTS = "usage-costs.openapi.yaml";
  static final String ADMIN = "admin-attribution.openapi.yaml";

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

  private SpecSchemas() {}

  /** The validation errors of {@code json} against {@code schemaName} in {@code document}. */
  static List<Error> validate(String document, String schemaName, String json) {
    Schema schema =
        CACHE.computeIfAbsent(
            document + "#" + schemaName,
            k ->
                REGISTRY.getSchema(
                    SchemaLocation.of(
                        "classpath:openai-spec/"
                            + document
                            + "#/components/schemas/"
                            + schemaName)));
    JsonNode node = MAPPER.readTree(json);
    return schema.validate(node);
  }
}
