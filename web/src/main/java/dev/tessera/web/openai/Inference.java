package dev.tessera.web.openai;

import dev.tessera.routing.api.CallReport;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.Fallback;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.tenancy.api.Admission;
import dev.tessera.tenancy.api.ForbiddenException;
import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.tenancy.api.RateLimitState;
import dev.tessera.tenancy.api.RequestIds;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.UnauthenticatedException;
import dev.tessera.web.security.RequestCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletRequest;
import java.io.StringReader;

/**
 * What every /v1 call starts with: a tenant key with the inference scope (the operator token has no
 * tenant and cannot call models), the parsed body, a request id and a deadline. One instance serves
 * every request (a request-scoped bean costs an injection pass per request); what belongs to one
 * request lives on it.
 */
@ApplicationScoped
public class Inference {
  /** The request attribute holding the request's id. */
  static final String REQUEST_ID = Inference.class.getName() + ".requestId";

  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  @Inject RequestCaller caller;
  @Inject Admission admission;
  @Inject HttpServletRequest http;
  @Inject InferenceSettings settings;

  /** The calling key; authorisation is the first thing every /v1 method does. */
  KeyPrincipal requireInferenceKey() {
    caller.requireAuthenticated();
    KeyPrincipal key =
        caller
            .keyPrincipal()
            .orElseThrow(
                () -> new UnauthenticatedException("Models are called with a tenant API key."));
    if (!key.roles().contains(Role.DEVELOPER)) {
      throw new ForbiddenException("This key lacks the 'inference' scope.");
    }
    return key;
  }

  GatewayCall call(KeyPrincipal key) {
    return call(key, null);
  }

  /** The call, with a report the gateway fills for the decision log ({@code null}: none). */
  GatewayCall call(KeyPrincipal key, CallReport report) {
    return new GatewayCall(
        key.tenant(),
        key.tier(),
        key.keyId(),
        requestId(),
        Deadline.after(settings.interactiveDeadline()),
        fallback(),
        tag(),
        report);
  }

  /**
   * The caller's workflow tag, {@code x-tessera-tag}: budgets and usage reports group by it. Up to
   * 100 letters, digits and {@code .-_:/}.
   */
  private String tag() {
    String header = http.getHeader("x-tessera-tag");
    if (header == null || header.isBlank()) {
      return null;
    }
    String tag = header.strip();
    if (tag.length() > 100 || !tag.matches("[A-Za-z0-9._:/-]+")) {
      throw dev.tessera.tenancy.api.InvalidInputException.field(
          "x-tessera-tag", "up to 100 letters, digits and . _ : / -");
    }
    return tag;
  }

  /**
   * The caller's fallback consent for this request: the {@code x-tessera-fallback} header ({@code
   * none}, {@code equivalent}, {@code lower_tier}), else the platform default.
   */
  private Fallback fallback() {
    String header = http.getHeader("x-tessera-fallback");
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Fallback.valueOf(header.strip().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw dev.tessera.tenancy.api.InvalidInputException.field(
          "x-tessera-fallback", "must be none, equivalent or lower_tier");
    }
  }

  /** Charges the estimated tokens to the tenant's and key's token buckets (429 if over). */
  RateLimitState chargeTokens(KeyPrincipal key, long tokens) {
    return admission.consumeTokens(key, tokens);
  }

  /** This request's id, {@code req_} and 32 hex digits, made on first use. */
  String requestId() {
    Object id = http.getAttribute(REQUEST_ID);
    if (id == null) {
      id = RequestIds.next();
      http.setAttribute(REQUEST_ID, id);
    }
    return (String) id;
  }

  static JsonObject parse(String body) {
    if (body == null || body.isBlank()) {
      throw dev.tessera.tenancy.api.InvalidInputException.field(
          "body", "a JSON object is required");
    }
    try (JsonReader r = JSON.createReader(new StringReader(body))) {
      return r.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw dev.tessera.tenancy.api.InvalidInputException.field(
          "body",
          "is not a JSON object: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }
}
