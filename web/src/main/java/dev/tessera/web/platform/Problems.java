package dev.tessera.web.platform;

import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;

/** Builds RFC 9457 problem+json responses. */
public final class Problems {
  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_BASE = "https://tessera.dev/problems/";

  private Problems() {}

  public static Response.ResponseBuilder of(int status, String type, String title, String detail) {
    JsonObjectBuilder body =
        Json.createObjectBuilder()
            .add("type", TYPE_BASE + type)
            .add("title", title)
            .add("status", status);
    if (detail != null) {
      body.add("detail", detail);
    }
    return Response.status(status).type(MEDIA_TYPE).entity(body.build().toString());
  }

  public static Response.ResponseBuilder invalid(InvalidInputException e) {
    JsonArrayBuilder errors = Json.createArrayBuilder();
    e.errors()
        .forEach(
            f ->
                errors.add(
                    Json.createObjectBuilder()
                        .add("field", f.field())
                        .add("message", f.message())));
    String body =
        Json.createObjectBuilder()
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
