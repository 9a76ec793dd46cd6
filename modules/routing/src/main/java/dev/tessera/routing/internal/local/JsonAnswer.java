package dev.tessera.routing.internal.local;

import dev.tessera.routing.api.ResponseFormat;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Wraps an extractive answer in the JSON a {@code response_format} asks for: {@code {"answer":
 * ...}} for {@code json_object}; for {@code json_schema}, the smallest object that has every
 * required property, the answer going to {@code answer} if required, else to the first required
 * string property. The model cannot reason about a schema; this only keeps callers' parsers
 * working.
 */
final class JsonAnswer {
  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  static final String DEFAULT_PROPERTY = "answer";

  private JsonAnswer() {}

  static String format(ResponseFormat format, String answer) {
    JsonObjectBuilder object = JSON.createObjectBuilder();
    if (format.type() != ResponseFormat.Type.JSON_SCHEMA) {
      return object.add(DEFAULT_PROPERTY, answer).build().toString();
    }
    JsonObject schema = format.schema();
    JsonObject properties = objectOrEmpty(schema.get("properties"));
    List<String> required = strings(schema.get("required"));
    String target = DEFAULT_PROPERTY;
    if (!required.contains(DEFAULT_PROPERTY)) {
      for (String name : required) {
        if ("string".equals(type(properties.get(name)))) {
          target = name;
          break;
        }
      }
    }
    object.add(target, answer);
    for (String name : required) {
      if (!name.equals(target)) {
        object.add(name, placeholder(properties.get(name)));
      }
    }
    return object.build().toString();
  }

  /** The least committal value a property schema accepts: its const, first enum value, or empty. */
  private static JsonValue placeholder(JsonValue propertySchema) {
    JsonObject p = objectOrEmpty(propertySchema);
    if (p.containsKey("const")) {
      return p.get("const");
    }
    if (p.get("enum") instanceof JsonArray values && !values.isEmpty()) {
      return values.get(0);
    }
    String type = type(p);
    if (type == null) {
      return JSON.createValue("");
    }
    return switch (type) {
      case "number", "integer" -> JSON.createValue(0);
      case "boolean" -> JsonValue.FALSE;
      case "array" -> JsonValue.EMPTY_JSON_ARRAY;
      case "object" -> JsonValue.EMPTY_JSON_OBJECT;
      case "null" -> JsonValue.NULL;
      default -> JSON.createValue("");
    };
  }

  /** The schema's type; for a type list such as ["string","null"], the first non-null one. */
  private static String type(JsonValue propertySchema) {
    JsonValue type = objectOrEmpty(propertySchema).get("type");
    if (type instanceof JsonString s) {
      return s.getString();
    }
    List<String> types = strings(type);
    return types.stream().filter(t -> !t.equals("null")).findFirst().orElse(null);
  }

  private static JsonObject objectOrEmpty(JsonValue value) {
    return value instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
  }

  private static List<String> strings(JsonValue value) {
    List<String> out = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (JsonValue v : array) {
        if (v instanceof JsonString s) {
          out.add(s.getString());
        }
      }
    }
    return out;
  }
}
