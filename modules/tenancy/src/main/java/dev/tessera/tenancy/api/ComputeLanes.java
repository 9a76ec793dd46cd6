package dev.tessera.tenancy.api;

import java.util.concurrent.ExecutorService;

/**
 * Bounded compute lanes: one shared by standard and professional tenants, one of its own for each
 * enterprise tenant, so another tenant's load can never starve an enterprise tenant.
 */
public interface ComputeLanes {
  /** The bounded executor for background work of this tenant (its lane's threads and queue). */
  ExecutorService executorFor(TenantId tenant, Tier tier);
}
