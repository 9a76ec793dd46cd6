package dev.tessera.routing.api;

import dev.tessera.tenancy.api.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A tenant's own provider credentials ("bring your own key"): calls this tenant routes to that
 * provider carry its key instead of the platform's, and count against its own account upstream.
 * Stored encrypted (AES-GCM under the platform's master keys) in the tenant's own rows; never shown
 * again after being set.
 */
public interface ProviderKeys {
  /**
   * What a tenant sees of one of its keys: the provider, a hint of the key, and when it was set.
   */
  record ProviderKeyView(UUID providerId, String providerName, String keyHint, Instant updatedAt) {}

  List<ProviderKeyView> list(TenantId tenant);

  /** Sets (or replaces) the tenant's key for a provider; 404 when the provider does not exist. */
  ProviderKeyView set(TenantId tenant, UUID providerId, String apiKey);

  /** Removes it: the tenant's calls use the platform's credential again. 404 when none was set. */
  void remove(TenantId tenant, UUID providerId);

  /**
   * Re-seals every tenant's keys under the current master key (part of a master key rotation, with
   * the platform's own credentials); returns how many were re-sealed.
   */
  int reencryptAll();
}
