package dev.tessera.tenancy.api;

/** Over a limit: answer 429 with {@code Retry-After} and the rate-limit headers. */
public class RateLimitedException extends TesseraException {
  private final RateLimitState state;
  private final long retryAfterMillis;

  public RateLimitedException(String message, RateLimitState state, long retryAfterMillis) {
    super(429, "rate-limited", message);
    this.state = state;
    this.retryAfterMillis = retryAfterMillis;
  }

  public RateLimitState state() {
    return state;
  }

  public long retryAfterMillis() {
    return retryAfterMillis;
  }

  /** Whole seconds for the Retry-After header, at least one. */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfterMillis + 999) / 1000);
  }
}
