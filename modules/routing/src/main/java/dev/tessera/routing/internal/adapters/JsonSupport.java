package dev.tessera.routing.internal.adapters;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;

/**
 * Lenient reading and null-skipping writing of provider JSON. Readers return {@code null} (or an
 * empty array) for absent and JSON-null fields, because providers omit and null fields
 * interchangeably; a field of the wrong type throws, which the transport reports as a malformed
 * response.
 */
final class JsonSupport {
  /** Looked up once: {@code Json.createXxx} would search the service loader on every call. */
  static final JsonProvider JSON = JsonProvider.provider();

  private JsonSupport() {}

  static JsonObject parseObject(String text) {
    try (JsonReader reader = JSON.createReader(new StringReader(text))) {
      return reader.readObject();
    }
  }

  static String string(JsonObject o, String key) {
    JsonValue v = o == null ? null : o.get(key);
    if (v == null || v == JsonValue.NULL) {
      return null;
    }
    return v instanceof JsonString s ? s.getString() : v.toString();
  }

  static int integer(JsonObject o, String key) {
    JsonValue v = o == null ? null : o.get(key);
    return v instanceof JsonNumber n ? n.intValue() : 0;
  }

  static JsonObject object(JsonObject o, String key) {
    JsonValue v = o == null ? null : o.get(key);
    return v == null || v == JsonValue.NULL ? null : v.asJsonObject();
  }

  static JsonArray array(JsonObject o, String key) {
    JsonValue v = o == null ? null : o.get(key);
    return v == null || v == JsonValue.NULL ? JsonValue.EMPTY_JSON_ARRAY : v.asJsonArray();
  }

  /** Parses tool-call arguments text; providers other than OpenAI need them as an object. */
  static JsonObject argumentsObject(String arguments) {
    try {
      return parseObject(arguments);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("tool call arguments are not a JSON object", e);
    }
  }

  static Obj obj() {
    return new Obj();
  }

  /** A JSON object builder that skips {@code null} values, so optional fields stay absent. */
  static final class Obj {
    private final JsonObjectBuilder b = JSON.createObjectBuilder();

    Obj put(String key, String value) {
      if (value != null) {
        b.add(key, value);
      }
      return this;
    }

    Obj put(String key, Number value) {
      if (value instanceof Double d) {
        b.add(key, d.doubleValue());
      } else if (value != null) {
        b.add(key, value.longValue());
      }
      return this;
    }

    Obj put(String key, boolean value) {
      b.add(key, value);
      return this;
    }

    Obj put(String key, JsonValue value) {
      if (value != null) {
        b.add(key, value);
      }
      return this;
    }

    Obj put(String key, Obj value) {
      return put(key, value.build());
    }

    JsonObject build() {
      return b.build();
    }
  }
}
