package dev.tessera.billing.api;

/** Credit movements outside a model call. */
public enum MovementType {
  GRANT,
  PURCHASE,
  REFUND,
  /** A signed correction. */
  ADJUSTMENT,
  EXPIRY
}
