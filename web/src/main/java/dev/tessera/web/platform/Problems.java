package dev.tessera.web.platform;

import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.core.Response;

/** Builds RFC 9457 problem+json responses. */
public final class Problems {
  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://tessera.dev/problems/";

  private Problems() {}

  public static Response.ResponseBuilder of(int status, String type, String title, String detail) {
    JsonObjectBuilder body =
        JSON.createObjectBuilder()
            .add("type", TYPE_BASE + type)
            .add("title", title)
            .add("status", status);
    if (detail != null) {
      body.add("detail", detail);
    }
    return Response.status(status).type(MEDIA_TYPE).entity(body.build().toString());
  }

  public static Response.ResponseBuilder invalid(InvalidInputException e) {
    JsonArrayBuilder errors = JSON.createArrayBuilder();
    e.errors()
        .forEach(
            f ->
                errors.add(
                    JSON.createObjectBuilder()
                        .add("field", f.field())
                        .add("message", f.message())));
    String body =
        JSON.createObjectBuilder()
            .add("type", TYPE_BASE + e.type())
            .add("title", "Invalid input")
            .add("status", e.status())
            .add("detail", e.getMessage())
            .add("errors", errors)
            .build()
            .toString();
    return Response.status(e.status()).type(MEDIA_TYPE).entity(body);
  }
}
