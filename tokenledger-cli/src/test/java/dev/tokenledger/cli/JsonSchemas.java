package dev.tokenledger.cli;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/** Validates command output against the JSON Schemas the project publishes in docs/json/. */
public final class JsonSchemas {
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private JsonSchemas() {}

  /** The errors of {@code json} against docs/json/{@code name}; empty when it is valid. */
  public static List<Error> validate(String name, String json) {
    Path file = Path.of("..", "docs", "json", name).toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("no schema at " + file);
    }
    try {
      Schema schema = REGISTRY.getSchema(Files.readString(file));
      return schema.validate(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
