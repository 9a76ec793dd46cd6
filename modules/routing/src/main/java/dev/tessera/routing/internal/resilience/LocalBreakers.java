package dev.tessera.routing.internal.resilience;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Breakers held in this JVM. Each instance of a cluster learns on its own that a provider is down,
 * which costs at most a threshold's worth of failed calls per instance.
 */
// TODO [Routing] a Hazelcast-backed Breakers, so that clustered instances share breaker state.
public final class LocalBreakers implements Breakers {
  private final BreakerSettings settings;
  private final NanoClock clock;
  private final ConcurrentMap<String, LocalCircuitBreaker> breakers = new ConcurrentHashMap<>();

  public LocalBreakers(BreakerSettings settings, NanoClock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public LocalBreakers() {
    this(BreakerSettings.DEFAULT, NanoClock.SYSTEM);
  }

  @Override
  public CircuitBreaker forDeployment(String deploymentId) {
    return breakers.computeIfAbsent(
        deploymentId, id -> new LocalCircuitBreaker(id, settings, clock));
  }
}
