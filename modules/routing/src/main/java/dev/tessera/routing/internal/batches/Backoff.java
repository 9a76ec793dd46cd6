package dev.tessera.routing.internal.batches;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When a job whose lines failed retryably runs again: exponential in the attempt ({@code base},
 * {@code 2 base}, {@code 4 base} … up to {@code max}) with equal jitter (half fixed, half random),
 * so jobs that failed together do not all come back together.
 */
record Backoff(Duration base, Duration max) {

  Duration after(int attempt) {
    return after(attempt, ThreadLocalRandom.current().nextDouble());
  }

  /** The delay after attempt {@code attempt} (1 = the first), {@code random} in [0, 1). */
  Duration after(int attempt, double random) {
    int doublings = Math.min(Math.max(attempt, 1) - 1, 30);
    long ceiling = base.toMillis() << doublings;
    if (ceiling <= 0 || ceiling > max.toMillis()) {
      ceiling = max.toMillis();
    }
    long half = ceiling / 2;
    return Duration.ofMillis(half + (long) (random * (ceiling - half)));
  }
}
