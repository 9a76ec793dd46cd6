package dev.tessera.tenancy.api;

import java.util.UUID;

/**
 * Remembers POSTs made with an {@code Idempotency-Key} (per tenant, API key and endpoint, for 24
 * hours) so a retried request gets the first answer instead of running twice.
 */
public interface Idempotency {
  /** The stored answer of a completed request. {@code body} is null if it was streamed. */
  record StoredResponse(int status, String contentType, String body) {}

  /** What to do with a request that carries a key. */
  sealed interface Claim permits Claimed, Replay, InFlight, Mismatch {}

  /** First use: run the request, then {@link #complete} or {@link #release} it. */
  record Claimed() implements Claim {}

  /** Same key, same body, already answered: answer with this. */
  record Replay(StoredResponse response) implements Claim {}

  /** Same key, still running elsewhere: 409. */
  record InFlight() implements Claim {}

  /** Same key, different body: 422. */
  record Mismatch() implements Claim {}

  Claim claim(TenantId tenant, UUID apiKeyId, String endpoint, String key, byte[] requestHash);

  void complete(
      TenantId tenant, UUID apiKeyId, String endpoint, String key, StoredResponse response);

  /** Forgets a claimed key (the request failed on our side), so a retry can run. */
  void release(TenantId tenant, UUID apiKeyId, String endpoint, String key);
}
