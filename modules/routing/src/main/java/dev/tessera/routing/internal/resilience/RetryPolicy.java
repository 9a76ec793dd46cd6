package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.ProviderException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When to call the same deployment again: only for retryable failures before any output was
 * relayed, at most {@code maxAttempts} calls in all, after the provider's {@code retry-after} or
 * else a full-jitter exponential backoff (a random wait up to {@code min(cap, base * 2^n)}, which
 * keeps callers that failed together from retrying together), and never past the deadline.
 */
public final class RetryPolicy {
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(4));

  private final int maxAttempts;
  private final Duration baseBackoff;
  private final Duration maxBackoff;
  private final DoubleSupplier random;

  public RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff) {
    this(maxAttempts, baseBackoff, maxBackoff, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** {@code random} yields uniform values in [0, 1); tests pin it. */
  RetryPolicy(int maxAttempts, Duration baseBackoff, Duration maxBackoff, DoubleSupplier random) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts counts the first call, so at least 1");
    }
    this.maxAttempts = maxAttempts;
    this.baseBackoff = Objects.requireNonNull(baseBackoff, "baseBackoff");
    this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
    this.random = random;
  }

  /** A policy that never retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * How long to wait before calling again after {@code attemptsMade} calls to one deployment, the
   * last of which failed with {@code failure}; empty when it must not be called again.
   */
  public Optional<Duration> delayBeforeRetry(
      int attemptsMade, ProviderException failure, Deadline deadline) {
    if (!failure.retryable() || attemptsMade >= maxAttempts || deadline.expired()) {
      return Optional.empty();
    }
    Duration delay = failure.retryAfter().orElseGet(() -> backoff(attemptsMade));
    if (delay.isNegative()) {
      delay = Duration.ZERO;
    }
    // Waiting out the whole budget (or more) would only turn the failure into a timeout.
    return delay.compareTo(deadline.remaining()) < 0 ? Optional.of(delay) : Optional.empty();
  }

  private Duration backoff(int attemptsMade) {
    long base = baseBackoff.toNanos();
    long cap = maxBackoff.toNanos();
    int doublings = Math.min(attemptsMade - 1, 30);
    long ceiling = base > (cap >> doublings) ? cap : Math.min(cap, base << doublings);
    return Duration.ofNanos((long) (random.getAsDouble() * ceiling));
  }
}
