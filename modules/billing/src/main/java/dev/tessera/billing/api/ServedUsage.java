package dev.tessera.billing.api;

/**
 * What actually served a request and what it used. A fallback that is cheaper than the requested
 * model is charged at its own price, a dearer one at the requested model's price.
 */
public record ServedUsage(
    String servedModel,
    Price servedPrice,
    Price requestedPrice,
    TokenCounts tokens,
    CacheUse cache) {}
