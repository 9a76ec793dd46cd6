package dev.tessera.tenancy.api;

/**
 * The tightest request and token budgets that applied to a request, in the shape of OpenAI's {@code
 * x-ratelimit-*} headers. Reset values are seconds until the bucket is full again.
 */
public record RateLimitState(
    long limitRequests,
    long remainingRequests,
    double resetRequestsSeconds,
    long limitTokens,
    long remainingTokens,
    double resetTokensSeconds) {}
