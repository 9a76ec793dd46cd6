package dev.tessera.governance.api.safety;

import dev.tessera.tenancy.api.TenantId;

/**
 * Safety for one call of the gateway: routing opens a {@link SafetyScreen} per request, passes
 * every outbound text through it before anything leaves for a provider, and passes the answer back
 * through it before the caller sees it.
 */
public interface Safety {
  /** A screen with the tenant's current policy (cached for a second per instance). */
  SafetyScreen screen(TenantId tenant, String requestId);
}
