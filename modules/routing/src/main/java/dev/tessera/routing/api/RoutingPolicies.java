package dev.tessera.routing.api;

import dev.tessera.tenancy.api.TenantId;

/** Reads and sets tenants' routing policies. */
public interface RoutingPolicies {
  RoutingPolicy get(TenantId tenant);

  RoutingPolicy set(TenantId tenant, RoutingPolicy policy);
}
