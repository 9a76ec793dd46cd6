package dev.tessera.routing.internal.resilience;

/**
 * How far a tenant (or one of its keys) lets the gateway stray from the requested model when that
 * model's deployment fails. Never beyond the requested tier: a dearer tier is never chosen for the
 * caller.
 */
public enum FallbackConsent {
  /** Another deployment of the same tier, possibly another provider. */
  EQUIVALENT,
  /** The same tier or any cheaper one. */
  LOWER_TIER,
  /** Only the requested deployment; its failure is the answer. */
  NONE;

  /** Whether {@code candidate} may serve a request meant for {@code primary}. */
  public boolean permits(Deployment primary, Deployment candidate) {
    if (candidate.id().equals(primary.id())) {
      return true;
    }
    return switch (this) {
      case EQUIVALENT -> candidate.tier() == primary.tier();
      case LOWER_TIER -> candidate.tier().atMost(primary.tier());
      case NONE -> false;
    };
  }
}
