package dev.tessera.tenancy.api;

import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who is making the current request: the platform operator, or a tenant credential. Set once by
 * authentication; resources call one of the {@code require*} methods as their first statement.
 */
public interface Caller {
  boolean isAuthenticated();

  boolean isPlatformAdmin();

  /** The tenant this caller belongs to; empty for the platform operator. */
  Optional<TenantId> tenant();

  Optional<UUID> keyId();

  Set<Role> roles();

  /** Throws 401 unless someone is authenticated. */
  void requireAuthenticated();

  /** Throws 401/403 unless the caller is the platform operator. */
  void requirePlatformAdmin();

  /**
   * Passes for the platform operator or a caller of {@code tenant} holding one of {@code roles}. A
   * caller of another tenant gets a 404, so ids cannot be probed.
   */
  void requireTenantRole(TenantId tenant, Role... roles);

  /**
   * As {@link #requireTenantRole(TenantId, Role...)} for a tenant id straight from a path: checks
   * the credential first, then the id (a malformed id is an unknown tenant), and returns it.
   */
  default TenantId requireTenantRole(String tenantId, Role... roles) {
    requireAuthenticated();
    TenantId tenant = TenantId.parse(tenantId);
    requireTenantRole(tenant, roles);
    return tenant;
  }
}
