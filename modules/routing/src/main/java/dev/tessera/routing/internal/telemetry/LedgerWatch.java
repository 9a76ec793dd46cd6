package dev.tessera.routing.internal.telemetry;

import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What this instance's last reconciliations found: drift per tenant, and whether they fail. */
@ApplicationScoped
public class LedgerWatch {
  private final Map<TenantId, Long> drift = new ConcurrentHashMap<>();
  private volatile boolean failing;

  void reconciled(TenantId tenant, long balanceDrift) {
    failing = false;
    if (balanceDrift == 0) {
      drift.remove(tenant);
    } else {
      drift.put(tenant, balanceDrift);
    }
  }

  void failed() {
    failing = true;
  }

  /** Tenants whose last reconciliation found drift, and how much (micro-credits). */
  public Map<TenantId, Long> drift() {
    return Map.copyOf(drift);
  }

  public boolean failing() {
    return failing;
  }
}
