package dev.tessera.billing.api;

/** How an answer was produced, for pricing: by a provider, or from Tessera's own caches. */
public enum CacheUse {
  MISS,
  HIT,
  SEMANTIC;

  public boolean isHit() {
    return this != MISS;
  }
}
