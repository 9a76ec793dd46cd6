package dev.tessera.web.openai;

import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.Idempotency;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.tenancy.api.TesseraException;
import dev.tessera.web.security.RequestCaller;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code Idempotency-Key} on POSTs: the same key with the same body gets the stored answer (with
 * {@code Idempotent-Replayed: true}); with a different body, 422; while the first is still running,
 * 409. Keys are scoped to tenant + API key + endpoint and kept 24 hours. Streamed answers cannot be
 * replayed: their key only guards against running twice.
 */
@Provider
@Priority(Priorities.USER)
public class IdempotencyFilter implements ContainerRequestFilter, ContainerResponseFilter {
  static final String HEADER = "Idempotency-Key";
  private static final String CLAIM = IdempotencyFilter.class.getName() + ".claim";

  @Inject RequestCaller caller;
  @Inject Idempotency idempotency;

  /** A claimed key, to complete or release when the response leaves. */
  private record Held(KeyPrincipal key, String endpoint, String idemKey) {}

  @Override
  public void filter(ContainerRequestContext request) throws IOException {
    String idemKey = request.getHeaderString(HEADER);
    if (idemKey == null || !"POST".equals(request.getMethod()) || caller.keyPrincipal().isEmpty()) {
      return;
    }
    if (idemKey.isBlank() || idemKey.length() > 255) {
      throw InvalidInputException.field(HEADER, "must be 1-255 characters");
    }
    KeyPrincipal key = caller.keyPrincipal().get();
    byte[] body = request.hasEntity() ? request.getEntityStream().readAllBytes() : new byte[0];
    request.setEntityStream(new ByteArrayInputStream(body));
    String endpoint = request.getUriInfo().getPath();
    Idempotency.Claim claim =
        idempotency.claim(key.tenant(), key.keyId(), endpoint, idemKey, hash(endpoint, body));
    if (claim instanceof Idempotency.Claimed) {
      request.setProperty(CLAIM, new Held(key, endpoint, idemKey));
    } else if (claim instanceof Idempotency.InFlight) {
      throw new ConflictException("A request with this Idempotency-Key is still in progress.");
    } else if (claim instanceof Idempotency.Mismatch) {
      throw new KeyReused();
    } else if (claim instanceof Idempotency.Replay replay) {
      Idempotency.StoredResponse stored = replay.response();
      if (stored.body() == null) {
        throw new ConflictException(
            "This Idempotency-Key was used for a streamed answer, which cannot be replayed.");
      }
      request.abortWith(
          Response.status(stored.status())
              .type(stored.contentType())
              .entity(stored.body())
              .header("Idempotent-Replayed", "true")
              .build());
    }
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(CLAIM) instanceof Held held)) {
      return;
    }
    if (response.getStatus() >= 500) {
      // our failure, not an answer: let a retry with the same key run again
      idempotency.release(held.key().tenant(), held.key().keyId(), held.endpoint(), held.idemKey());
      return;
    }
    Object entity = response.getEntity();
    String body = entity instanceof String s ? s : null;
    String type = response.getMediaType() == null ? null : response.getMediaType().toString();
    idempotency.complete(
        held.key().tenant(),
        held.key().keyId(),
        held.endpoint(),
        held.idemKey(),
        new Idempotency.StoredResponse(response.getStatus(), type, body));
  }

  private static byte[] hash(String endpoint, byte[] body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(endpoint.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      sha.update((byte) 0);
      return sha.digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Same key, different body: the key was reused for another request. */
  static final class KeyReused extends TesseraException {
    KeyReused() {
      super(
          422,
          "idempotency-key-reused",
          "This Idempotency-Key was already used with a different request body.");
    }
  }
}
