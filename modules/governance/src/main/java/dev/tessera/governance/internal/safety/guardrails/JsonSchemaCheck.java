package dev.tessera.governance.internal.safety.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates JSON text against a JSON Schema (draft 2020-12 unless the schema says otherwise) with
 * networknt's validator. Compiled schemas are kept by their text, since the same response_format
 * and tool schemas come back request after request.
 */
public final class JsonSchemaCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private static final int MAX_CACHED = 1_000;
  private static final int MAX_ERRORS = 10;

  private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

  /** The errors of {@code json} against {@code schemaJson}; empty when valid. */
  public List<String> errors(String json, String schemaJson) {
    JsonSchema schema = schema(schemaJson);
    JsonNode node;
    try {
      node = JSON.readTree(json == null ? "" : stripFence(json));
    } catch (Exception e) {
      return List.of("not JSON: " + firstLine(e.getMessage()));
    }
    if (node == null || node.isMissingNode()) {
      return List.of("not JSON: empty");
    }
    Set<ValidationMessage> messages = schema.validate(node);
    List<String> out = new ArrayList<>();
    for (ValidationMessage m : messages) {
      if (out.size() == MAX_ERRORS) {
        break;
      }
      out.add(m.getMessage());
    }
    return out;
  }

  /** The schema compiled (and cached); a schema that cannot be read is an invalid input. */
  public JsonSchema schema(String schemaJson) {
    JsonSchema s = compiled.get(schemaJson);
    if (s == null) {
      try {
        s = FACTORY.getSchema(JSON.readTree(schemaJson));
      } catch (Exception e) {
        throw dev.tessera.tenancy.api.InvalidInputException.field(
            "schema", "is not a usable JSON Schema: " + firstLine(e.getMessage()));
      }
      if (compiled.size() >= MAX_CACHED) {
        compiled.clear();
      }
      compiled.put(schemaJson, s);
    }
    return s;
  }

  /** Models like to wrap JSON in a Markdown fence; the content is what counts. */
  static String stripFence(String s) {
    String t = s.strip();
    if (t.startsWith("```")) {
      int nl = t.indexOf('\n');
      int end = t.lastIndexOf("```");
      if (nl > 0 && end > nl) {
        return t.substring(nl + 1, end);
      }
    }
    return t;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    String line = s.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
