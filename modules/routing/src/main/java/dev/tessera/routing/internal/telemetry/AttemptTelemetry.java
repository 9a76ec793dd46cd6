package dev.tessera.routing.internal.telemetry;

import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.internal.resilience.AttemptObserver;
import dev.tessera.routing.internal.resilience.Breakers;
import dev.tessera.routing.internal.resilience.Deployment;
import dev.tessera.routing.internal.resilience.HealthScores;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Metrics and spans of every upstream attempt: {@code gen_ai.client.operation.duration} per
 * provider, model and error type, the upstream time of the call it belongs to (for the gateway's
 * overhead), and, from the first attempt at a deployment on, gauges of its breaker state and
 * health.
 */
@ApplicationScoped
public class AttemptTelemetry {
  @Inject GenAiMetrics metrics;
  @Inject GatewayTracing tracing;

  private final java.util.Set<String> watched = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** A platform deployment seen since start, with where its breaker and health live. */
  public record Watched(Deployment deployment, Breakers breakers, HealthScores health) {}

  private final java.util.Map<String, Watched> deployments =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Every platform deployment called since start. */
  public java.util.Collection<Watched> deployments() {
    return java.util.List.copyOf(deployments.values());
  }

  /** The observer for a caller with these breakers and health scores. */
  public AttemptObserver observer(Breakers breakers, HealthScores health) {
    // always observed: metrics and tracing can be switched on at run time (TelemetrySwitches)
    return new AttemptObserver() {
      @Override
      public Object currentCall() {
        return CallObservation.current();
      }

      @Override
      public Object started(Object call, Deployment d, int number) {
        return tracing.attemptStarted(call, d, number);
      }

      @Override
      public void within(Object attempt, Runnable launch) {
        tracing.within(attempt, launch);
      }

      @Override
      public void ended(
          Object call,
          Object attempt,
          Deployment d,
          long nanos,
          long firstChunkNanos,
          ProviderException failure,
          boolean cancelled) {
        tracing.attemptEnded(attempt, failure, cancelled);
        if (!metrics.enabled()) {
          watch(d, breakers, health); // for the in-process alerts
          return;
        }
        if (call instanceof CallObservation c) {
          c.upstreamNanos += nanos;
          if (failure == null && !cancelled) {
            c.servedProvider = d.providerKind();
          }
        }
        if (!cancelled) {
          metrics.attempt(d.providerKind(), d.model(), ErrorTypes.of(failure), nanos);
        }
        watch(d, breakers, health);
      }
    };
  }

  /**
   * Breaker state (0 closed, 1 half-open, 2 open) and health (share of successful calls in the
   * window, 1 with none) of a platform deployment; a tenant's own-key deployments are left out, so
   * the series stay bounded by the catalog.
   */
  private void watch(Deployment d, Breakers breakers, HealthScores health) {
    String id = d.id();
    if (watched.contains(id) || id.indexOf('~') >= 0 || !watched.add(id)) {
      return;
    }
    deployments.put(id, new Watched(d, breakers, health));
    metrics.whenEnabled(() -> gauges(d, breakers, health));
  }

  private void gauges(Deployment d, Breakers breakers, HealthScores health) {
    String id = d.id();
    metrics.gaugeOnce(
        id,
        "tessera_gateway_breaker_state",
        () ->
            switch (breakers.forDeployment(id).state()) {
              case CLOSED -> 0;
              case HALF_OPEN -> 1;
              case OPEN -> 2;
            },
        new Tag("deployment", id),
        new Tag(GenAiMetrics.PROVIDER, d.providerKind()));
    metrics.gaugeOnce(
        id + "\u0000health",
        "tessera_gateway_health_score",
        () -> 1.0 - health.scoreOf(id).errorRate(),
        new Tag("deployment", id),
        new Tag(GenAiMetrics.PROVIDER, d.providerKind()));
    metrics.gaugeOnce(
        id + "\u0000p95",
        "tessera_gateway_latency_p95_seconds",
        () -> health.scoreOf(id).p95Latency().toNanos() / 1e9,
        new Tag("deployment", id),
        new Tag(GenAiMetrics.PROVIDER, d.providerKind()));
  }
}
