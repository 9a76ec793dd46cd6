package dev.tessera.routing.internal.resilience;

/** The circuit breaker of each provider deployment, by deployment id. */
public interface Breakers {
  /** The breaker of {@code deploymentId}, created closed on first use. */
  CircuitBreaker forDeployment(String deploymentId);
}
