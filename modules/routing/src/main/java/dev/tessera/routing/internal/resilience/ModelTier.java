package dev.tessera.routing.internal.resilience;

/**
 * A model's capability and price class (not the tenant's isolation tier), from {@code T0}
 * (smallest, cheapest) to {@code T3} (largest, dearest). Fallback consent is expressed in tiers,
 * not in prices, because prices move.
 */
public enum ModelTier {
  T0,
  T1,
  T2,
  T3;

  /** Whether this tier is {@code other} or a cheaper one. */
  public boolean atMost(ModelTier other) {
    return compareTo(other) <= 0;
  }
}
