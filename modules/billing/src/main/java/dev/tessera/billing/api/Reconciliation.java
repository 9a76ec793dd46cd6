package dev.tessera.billing.api;

import dev.tessera.tenancy.api.TenantId;

/**
 * A tenant's projection checked against its events: what the projection said, what the events sum
 * to, and whether it had drifted (and was repaired from the events). {@code invalidEvents} counts
 * events whose effect does not follow from their type and amount (written around the ledger's
 * functions before they were the only writers): they are reported and not counted.
 */
public record Reconciliation(
    TenantId tenant,
    Balance projected,
    Balance fromEvents,
    long openHolds,
    boolean repaired,
    long invalidEvents) {
  public long balanceDrift() {
    return projected.balance() - fromEvents.balance();
  }
}
