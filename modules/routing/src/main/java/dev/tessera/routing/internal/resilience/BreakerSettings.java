package dev.tessera.routing.internal.resilience;

import java.time.Duration;
import java.util.Objects;

/** When a breaker opens (consecutive provider failures) and how long it stays open. */
public record BreakerSettings(int failureThreshold, Duration coolDown) {
  public static final BreakerSettings DEFAULT = new BreakerSettings(3, Duration.ofSeconds(30));

  public BreakerSettings {
    Objects.requireNonNull(coolDown, "coolDown");
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be at least 1");
    }
    if (coolDown.isNegative()) {
      throw new IllegalArgumentException("coolDown must not be negative");
    }
  }
}
