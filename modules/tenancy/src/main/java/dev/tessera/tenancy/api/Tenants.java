package dev.tessera.tenancy.api;

import java.util.Optional;

/** The platform's tenant directory: create, inspect, change and retire tenants. */
public interface Tenants {
  TenantView create(NewTenant request);

  Optional<TenantView> find(TenantId id);

  /** Like {@link #find} but a missing tenant is a {@link NotFoundException}. */
  default TenantView get(TenantId id) {
    return find(id).orElseThrow(() -> new NotFoundException("tenant", id));
  }

  Page<TenantView> list(PageRequest page);

  /** The tenant with this slug (case-insensitive), unless purged: how portal users name theirs. */
  Optional<TenantView> findBySlug(String slug);

  /** The limits a tenant gets when none are given (TESSERA_LIMITS_*). */
  TenantLimits defaultLimits();

  TenantView update(TenantId id, TenantPatch patch);

  /** Suspends now; the data is purged once the grace period has passed. */
  TenantView delete(TenantId id);

  /**
   * Moves the tenant to another tier while its traffic continues; returns when the move is done. A
   * failure leaves the tenant on its old tier with its data intact.
   */
  TierMoveReport changeTier(TenantId id, Tier target);

  /** The tenant's most recent tier move, running (with its progress) or finished; empty if none. */
  Optional<TierMoveStatus> latestTierMove(TenantId id);
}
