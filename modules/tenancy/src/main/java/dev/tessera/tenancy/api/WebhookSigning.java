package dev.tessera.tenancy.api;

import java.time.Instant;
import java.util.Map;

/**
 * Signs every webhook a tenant receives the Standard Webhooks way (standardwebhooks.com, as Svix,
 * OpenAI and others do): headers {@code webhook-id}, {@code webhook-timestamp} and {@code
 * webhook-signature: v1,<base64 HMAC-SHA256(secret, id + "." + timestamp + "." + body)>}. Each
 * tenant has its own secret ({@code whsec_} + base64), made on first use; after a rotation the
 * previous one keeps signing alongside for a day, so receivers can switch without a gap.
 */
public interface WebhookSigning {
  /** A tenant's signing secret as its admin sees it. */
  record WebhookSecret(String secret, Instant createdAt, Instant previousSecretExpiresAt) {}

  /** The current secret, made now if the tenant has none. */
  WebhookSecret current(TenantId tenant);

  /** Makes a new current secret; the replaced one keeps signing for a day. */
  WebhookSecret rotate(TenantId tenant);

  /** Signs with the secrets one read found: for several deliveries of one tenant in a row. */
  interface Signer {
    /**
     * The three headers for one delivery attempt of {@code body}: {@code messageId} stays the same
     * across retries of one message (receivers deduplicate on it), the timestamp is the attempt's;
     * one signature per live secret.
     */
    Map<String, String> sign(String messageId, String body);
  }

  /** The tenant's live secrets, read (or the first one made) now. */
  Signer signer(TenantId tenant);

  /** One delivery attempt's headers, see {@link Signer#sign}. */
  default Map<String, String> sign(TenantId tenant, String messageId, String body) {
    return signer(tenant).sign(messageId, body);
  }
}
