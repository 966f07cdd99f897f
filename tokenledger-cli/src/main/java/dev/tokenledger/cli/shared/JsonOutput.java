package dev.tokenledger.cli.shared;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/**
 * Writes the JSON documents of data commands: indented, money as plain decimals ({@code 0.0435},
 * never {@code 4.35E-2}), each document starting with the {@code $schema} it follows.
 */
public final class JsonOutput {
  private static final String SCHEMA_BASE = "https://tokenledger.dev/schemas/";
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private JsonOutput() {}

  /** A new document whose {@code $schema} names docs/json/{@code schemaFile}. */
  public static ObjectNode document(String schemaFile) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", SCHEMA_BASE + schemaFile);
    return root;
  }

  /** Prints {@code document} (a node, or maps and lists of plain values) and a newline. */
  public static void print(Object document, PrintWriter out) {
    try {
      out.println(JSON.writeValueAsString(document));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write JSON", e);
    }
  }
}
