package dev.tessera.tenancy.api;

/**
 * Admission control for tenant requests: per-tenant and per-key request and token buckets, a
 * concurrency cap, exact across all instances.
 */
public interface Admission {
  /**
   * Admits one request costing {@code estimatedTokens}, or throws {@link RateLimitedException}. The
   * returned ticket must be closed when the request ends (it releases the concurrency slot).
   */
  Ticket admit(KeyPrincipal principal, long estimatedTokens);

  /**
   * Takes {@code tokens} from the tenant's and the key's token buckets (a model call's estimate),
   * or throws {@link RateLimitedException} leaving both untouched. Returns the token budget left.
   */
  RateLimitState consumeTokens(KeyPrincipal principal, long tokens);

  /** A held admission: its limits (for the x-ratelimit headers) and its concurrency slot. */
  interface Ticket extends AutoCloseable {
    RateLimitState state();

    @Override
    void close();
  }
}
