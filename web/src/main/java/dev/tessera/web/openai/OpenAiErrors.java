package dev.tessera.web.openai;

import dev.tessera.governance.api.safety.SafetyBlockedException;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.codec.AnthropicJson;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.RateLimitedException;
import dev.tessera.tenancy.api.TesseraException;
import dev.tessera.tenancy.api.UnavailableException;
import dev.tessera.web.platform.RateLimitHeaders;
import jakarta.json.JsonException;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Errors under /v1 in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with the
 * statuses SDKs expect (a 429 becomes the SDK's RateLimitError, and so on).
 */
@Provider
public class OpenAiErrors implements ExceptionMapper<Throwable> {
  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private static final Logger LOG = Logger.getLogger(OpenAiErrors.class.getName());

  @Context UriInfo uri;

  @Context jakarta.servlet.http.HttpServletRequest http;

  private final dev.tessera.web.platform.ProblemMapper problems =
      new dev.tessera.web.platform.ProblemMapper();

  @Override
  public Response toResponse(Throwable thrown) {
    Response r = mapped(thrown);
    // a call that got as far as an id (refused by safety, failed upstream) names it, so the
    // caller can find its decision
    Object id = http == null ? null : http.getAttribute(Inference.REQUEST_ID);
    return id == null || r.getHeaderString("x-request-id") != null
        ? r
        : Response.fromResponse(r).header("x-request-id", id).build();
  }

  private Response mapped(Throwable thrown) {
    if (uri != null && uri.getPath().startsWith("retrieval")) {
      return problems.toResponse(thrown); // Tessera's own endpoints: RFC 9457 problem+json
    }
    Response r = openAi(thrown);
    if (uri != null && uri.getPath().startsWith("messages")) {
      // Anthropic's SDKs read their own error body; same status and headers
      String message = "";
      try (var reader =
          JSON.createReader(new java.io.StringReader(String.valueOf(r.getEntity())))) {
        message = reader.readObject().getJsonObject("error").getString("message", "");
      } catch (RuntimeException unreadable) {
        // keep the empty message
      }
      Response.ResponseBuilder b =
          Response.status(r.getStatus())
              .type(MediaType.APPLICATION_JSON_TYPE)
              .entity(AnthropicJson.error(r.getStatus(), message));
      r.getStringHeaders()
          .forEach(
              (k, v) -> {
                if (!k.equalsIgnoreCase("Content-Type")) {
                  v.forEach(x -> b.header(k, x));
                }
              });
      return b.build();
    }
    return r;
  }

  private Response openAi(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof TesseraException te) {
        return fromTessera(te);
      }
      if (t instanceof ProviderException pe) {
        return fromProvider(pe);
      }
      if (t instanceof JsonException) {
        return error(400, "invalid_request_error", "The body is not valid JSON.", null, null)
            .build();
      }
    }
    if (thrown instanceof WebApplicationException wae) {
      int status = wae.getResponse().getStatus();
      return error(
              status,
              status >= 500 ? "server_error" : "invalid_request_error",
              wae.getResponse().getStatusInfo().getReasonPhrase(),
              null,
              null)
          .build();
    }
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "WEB-0101 unhandled failure on /v1, incident " + incident, thrown);
    return error(500, "server_error", "Internal error, incident " + incident + ".", null, null)
        .build();
  }

  static Response fromTessera(TesseraException e) {
    if (e instanceof SafetyBlockedException blocked) {
      return SafetyProblem.of(blocked);
    }
    return switch (e.status()) {
      case 400 -> {
        String param =
            e instanceof InvalidInputException ie && !ie.errors().isEmpty()
                ? ie.errors().get(0).field()
                : null;
        if (e instanceof InvalidInputException) {
          yield error(400, "invalid_request_error", e.getMessage(), param, "invalid_value").build();
        }
        // e.g. context-length-exceeded → OpenAI's context_length_exceeded, on the messages
        yield error(
                400,
                "invalid_request_error",
                e.getMessage(),
                "messages",
                e.type().replace('-', '_'))
            .build();
      }
      case 401 ->
          error(401, "invalid_request_error", e.getMessage(), null, "invalid_api_key")
              .header("WWW-Authenticate", "Bearer realm=\"tessera\"")
              .build();
      case 402 ->
          // credits or a hard budget: the request was refused before any provider was called
          error(
                  402,
                  "insufficient_quota",
                  e.getMessage(),
                  null,
                  e.type().equals("budget-exceeded") ? "budget_exceeded" : "insufficient_quota")
              .build();
      case 403 ->
          error(403, "invalid_request_error", e.getMessage(), null, "insufficient_permissions")
              .build();
      case 404 ->
          error(404, "invalid_request_error", e.getMessage(), "model", e.type().replace('-', '_'))
              .build();
      case 409 -> error(409, "invalid_request_error", e.getMessage(), null, e.type()).build();
      case 422 -> error(422, "invalid_request_error", e.getMessage(), null, e.type()).build();
      case 413 ->
          error(413, "invalid_request_error", e.getMessage(), null, "request_too_large").build();
      case 429 -> {
        RateLimitedException rl = (RateLimitedException) e;
        Response.ResponseBuilder b =
            error(
                429,
                e.getMessage().contains("tokens") ? "tokens" : "requests",
                e.getMessage(),
                null,
                "rate_limit_exceeded");
        RateLimitHeaders.apply(b, rl.state());
        yield b.header("Retry-After", rl.retryAfterSeconds())
            .header("retry-after-ms", rl.retryAfterMillis())
            .build();
      }
      case 503 ->
          error(503, "server_error", e.getMessage(), null, "overloaded")
              .header(
                  "Retry-After", e instanceof UnavailableException ue ? ue.retryAfterSeconds() : 1)
              .build();
      default -> error(e.status(), "invalid_request_error", e.getMessage(), null, e.type()).build();
    };
  }

  static Response fromProvider(ProviderException e) {
    return switch (e.kind()) {
      case TIMEOUT ->
          error(504, "server_error", "The model did not answer in time.", null, "timeout").build();
      case CLIENT_ERROR ->
          error(
                  400,
                  "invalid_request_error",
                  "The model rejected the request: " + e.getMessage(),
                  null,
                  null)
              .build();
      case RATE_LIMITED ->
          error(
                  503,
                  "server_error",
                  "The model's provider is rate limiting; retry shortly.",
                  null,
                  "overloaded")
              .header("Retry-After", e.retryAfter().map(d -> Math.max(1, d.toSeconds())).orElse(1L))
              .build();
      default ->
          error(
                  502,
                  "server_error",
                  "The model's provider failed: " + e.kind(),
                  null,
                  "upstream_error")
              .build();
    };
  }

  static Response.ResponseBuilder error(
      int status, String type, String message, String param, String code) {
    JsonObjectBuilder err =
        JSON.createObjectBuilder().add("message", message == null ? "" : message).add("type", type);
    if (param == null) {
      err.addNull("param");
    } else {
      err.add("param", param);
    }
    if (code == null) {
      err.addNull("code");
    } else {
      err.add("code", code);
    }
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(JSON.createObjectBuilder().add("error", err).build().toString());
  }
}
