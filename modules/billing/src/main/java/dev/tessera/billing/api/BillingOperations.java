package dev.tessera.billing.api;

/** Billing's platform-wide jobs, which also run on their own schedule on every instance. */
public interface BillingOperations {
  /** Releases every tenant's expired holds; returns how many. */
  int reapExpired();

  /** Reconciles every tenant; returns how many projections had drifted and were repaired. */
  int reconcileAll();
}
