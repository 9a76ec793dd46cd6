package dev.tessera.routing.internal.resilience;

import java.time.Duration;

/**
 * How a deployment has fared recently: calls and provider failures in the window, and latency
 * percentiles of its successful calls. With {@code calls == 0} nothing is known and the durations
 * are zero; time to first token is zero until a streamed call succeeded.
 */
public record HealthScore(
    String deploymentId,
    int calls,
    int failures,
    Duration p50Latency,
    Duration p95Latency,
    Duration p50TimeToFirstToken,
    Duration p95TimeToFirstToken) {

  /** Failed share of the window's calls, 0 when there were none. */
  public double errorRate() {
    return calls == 0 ? 0.0 : (double) failures / calls;
  }
}
