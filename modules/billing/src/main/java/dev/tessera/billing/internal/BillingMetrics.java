package dev.tessera.billing.internal;

import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/** Billing's series on /metrics. */
@ApplicationScoped
public class BillingMetrics {
  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  MetricRegistry registry;

  /** A reconciliation found the projection off its events (and repaired it). */
  void drift(TenantId tenant) {
    registry
        .counter("tessera_billing_reconciliation_drift", new Tag("tenant", tenant.toString()))
        .inc();
  }
}
