package dev.tessera.billing.api;

import dev.tessera.tenancy.api.TenantId;

/**
 * A tenant's projection checked against its events: what the projection said, what the events sum
 * to, and whether it had drifted (and was repaired from the events).
 */
public record Reconciliation(
    TenantId tenant, Balance projected, Balance fromEvents, long openHolds, boolean repaired) {
  public long balanceDrift() {
    return projected.balance() - fromEvents.balance();
  }
}
