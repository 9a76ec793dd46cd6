package dev.tessera.web.platform;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

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
}
