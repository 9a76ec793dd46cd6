package dev.tessera.web.openai;

import dev.tessera.governance.api.safety.SafetyBlockedException;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.core.Response;

/**
 * A call refused by the tenant's safety policy, as RFC 9457 problem+json naming the check, its
 * reason and (for PII) the entity kinds, never the values. It also carries OpenAI's {@code error}
 * member, so OpenAI SDKs raise their usual 422 error with the same message.
 */
final class SafetyProblem {
  private static final JsonProvider JSON = JsonProvider.provider();

  private SafetyProblem() {}

  static Response of(SafetyBlockedException e) {
    JsonArrayBuilder kinds = JSON.createArrayBuilder();
    e.entityTypes().forEach(kinds::add);
    String body =
        JSON.createObjectBuilder()
            .add("type", "https://tessera.dev/problems/safety-blocked")
            .add("title", "Refused by the tenant's safety policy")
            .add("status", e.status())
            .add("detail", e.getMessage())
            .add("check", e.check())
            .add("entityTypes", kinds)
            .add(
                "error",
                JSON.createObjectBuilder()
                    .add("message", e.getMessage())
                    .add("type", "invalid_request_error")
                    .addNull("param")
                    .add("code", "safety_blocked"))
            .build()
            .toString();
    return Response.status(e.status()).type("application/problem+json").entity(body).build();
  }
}
