package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.internal.resilience.BreakerSettings;
import dev.tessera.routing.internal.resilience.HealthScores;
import dev.tessera.routing.internal.resilience.LocalBreakers;
import dev.tessera.routing.internal.resilience.NanoClock;
import dev.tessera.routing.internal.resilience.ResilientCaller;
import dev.tessera.routing.internal.resilience.RetryPolicy;
import dev.tessera.routing.internal.telemetry.AttemptTelemetry;
import dev.tessera.routing.spi.ProviderAdapter;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's failure handling, assembled once: every provider adapter found by CDI, a circuit
 * breaker per deployment (TESSERA_GATEWAY_BREAKER_FAILURES consecutive failures open it for
 * TESSERA_GATEWAY_BREAKER_COOL_DOWN), health scores, and jittered retries.
 */
@ApplicationScoped
class Resilience {
  @Inject @Any Instance<ProviderAdapter> adapters;
  @Inject AttemptTelemetry telemetry;

  @Inject
  @ConfigProperty(name = "tessera.gateway.breaker.failures", defaultValue = "3")
  int failures;

  @Inject
  @ConfigProperty(name = "tessera.gateway.breaker.cool-down", defaultValue = "PT30S")
  String coolDown;

  @Inject
  @ConfigProperty(name = "tessera.gateway.retry.max-attempts", defaultValue = "3")
  int maxAttempts;

  private ScheduledExecutorService timer;
  private ResilientCaller caller;
  private HealthScores health;

  @PostConstruct
  void start() {
    List<ProviderAdapter> all = new ArrayList<>();
    adapters.forEach(all::add);
    timer = ResilientCaller.defaultTimer();
    health = new HealthScores();
    LocalBreakers breakers =
        new LocalBreakers(
            new BreakerSettings(failures, Duration.parse(coolDown)), NanoClock.SYSTEM);
    caller =
        new ResilientCaller(
            all,
            breakers,
            health,
            new RetryPolicy(maxAttempts, Duration.ofMillis(200), Duration.ofSeconds(4)),
            timer);
    caller.observeWith(telemetry.observer(breakers, health)); // metrics and spans per attempt
  }

  ResilientCaller caller() {
    return caller;
  }

  HealthScores health() {
    return health;
  }

  @PreDestroy
  void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
