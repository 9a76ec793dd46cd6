package dev.tessera.governance.api.safety;

import dev.tessera.tenancy.api.TenantId;

/** Reads and replaces a tenant's safety policy (stored in the tenant's own table, under RLS). */
public interface SafetyPolicies {
  /** The stored policy, or {@link SafetyPolicy#DEFAULT}. */
  SafetyPolicy get(TenantId tenant);

  /** Validates and stores {@code policy} (400 naming the field when invalid); returns it. */
  SafetyPolicy set(TenantId tenant, SafetyPolicy policy);

  /**
   * Reads a policy from its JSON form (the admin API's body); 400 naming the field when invalid.
   */
  SafetyPolicy fromJson(String json);

  /** The JSON form of {@code policy}, with every default spelled out. */
  String toJson(SafetyPolicy policy);
}
