package dev.tessera.web.platform;

import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;
import java.io.StringReader;
import java.util.Set;
import java.util.TreeSet;

/** JSON-B for the API: unknown fields are an error, not silently dropped. */
@Provider
public class StrictJson implements ContextResolver<Jsonb> {
  private final Jsonb jsonb =
      JsonbBuilder.create(
          new JsonbConfig()
              .setProperty("jsonb.fail-on-unknown-properties", true)
              .withNullValues(false));

  @Override
  public Jsonb getContext(Class<?> type) {
    return jsonb;
  }

  private static final JsonProvider JSON = JsonProvider.provider();

  /**
   * A request body read as a JSON object by hand, for fields a binder would coerce ({@code "no"}
   * into false) or whose shape varies: anything but an object whose fields are all {@code known} is
   * a 400.
   */
  public static JsonObject object(String body, Set<String> known) {
    if (body == null || body.isBlank()) {
      throw InvalidInputException.field("body", "a JSON object is required");
    }
    JsonValue v;
    try {
      v = JSON.createReader(new StringReader(body)).readValue();
    } catch (RuntimeException e) {
      throw InvalidInputException.field("body", "is not valid JSON");
    }
    if (!(v instanceof JsonObject o)) {
      throw InvalidInputException.field("body", "a JSON object is required");
    }
    knownFields(o, known);
    return o;
  }

  /** Refuses a field not in {@code known}, naming the ones that are. */
  public static void knownFields(JsonObject o, Set<String> known) {
    for (String k : o.keySet()) {
      if (!known.contains(k)) {
        throw InvalidInputException.field(
            k, "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
      }
    }
  }
}
