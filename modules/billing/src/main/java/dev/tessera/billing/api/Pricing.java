package dev.tessera.billing.api;

import dev.tessera.tenancy.api.Tier;

/**
 * Turns tokens into micro-credits: list price plus the tier's markup, rounded up to a whole
 * micro-credit; cache hits by the cache policy.
 */
public interface Pricing {
  /** The most a request may cost: all its input as uncached, plus its output cap. */
  long worstCase(Tier tier, Price price, long inputTokens, long maxOutputTokens);

  /** What a served request costs (fallback rule and cache policy applied). */
  long cost(Tier tier, ServedUsage usage);
}
