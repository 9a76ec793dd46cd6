package dev.tessera.routing.api;

import jakarta.json.JsonObject;
import java.util.Objects;

/** The shape the answer must take: free text, any JSON object, or JSON valid against a schema. */
public record ResponseFormat(Type type, String name, JsonObject schema, boolean strict) {
  public static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null, false);
  public static final ResponseFormat JSON_OBJECT =
      new ResponseFormat(Type.JSON_OBJECT, null, null, false);

  /** OpenAI's {@code response_format.type}. */
  public enum Type {
    TEXT,
    JSON_OBJECT,
    JSON_SCHEMA
  }

  public ResponseFormat {
    Objects.requireNonNull(type, "type");
    if (type == Type.JSON_SCHEMA) {
      Objects.requireNonNull(schema, "schema");
      name = name == null ? "response" : name;
    }
  }

  /** JSON constrained by {@code schema}; {@code name} identifies it to the provider. */
  public static ResponseFormat jsonSchema(String name, JsonObject schema, boolean strict) {
    return new ResponseFormat(Type.JSON_SCHEMA, name, schema, strict);
  }
}
