package dev.tessera.governance.api;

import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantId;
import java.util.Optional;

/**
 * The decision log. {@link #record} only queues (never blocks or fails a request); a writer stores
 * queued decisions in batches, one round trip per tenant, and drains the queue on a clean shutdown.
 */
public interface DecisionLog {
  void record(Decision decision);

  Optional<DecisionView> get(TenantId tenant, String requestId);

  Page<DecisionView> search(TenantId tenant, DecisionQuery query, PageRequest page);

  /** Writes everything queued now (tests, shutdown). */
  void flush();

  GovernanceSettings settings(TenantId tenant);

  GovernanceSettings updateSettings(TenantId tenant, Actor actor, GovernanceSettings settings);

  /** Removes decisions older than their tenant's retention, in every database; answers how many. */
  long purgeExpired();
}
