package dev.tessera.routing.api;

import java.time.Duration;

/**
 * The moment a call must be over, on the monotonic clock, so every hop (retry, fallback, stream)
 * spends from one budget rather than restarting its own timeout.
 */
public record Deadline(long expiresAtNanos) {

  public static Deadline after(Duration budget) {
    return new Deadline(System.nanoTime() + budget.toNanos());
  }

  /** Time left, never negative. */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, expiresAtNanos - System.nanoTime()));
  }

  public boolean expired() {
    return expiresAtNanos - System.nanoTime() <= 0;
  }
}
