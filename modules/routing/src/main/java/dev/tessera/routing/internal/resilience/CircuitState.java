package dev.tessera.routing.internal.resilience;

/** Whether a provider deployment gets traffic: all, none, or one probe to see if it recovered. */
public enum CircuitState {
  /** Healthy: every call goes through; consecutive failures are counted. */
  CLOSED,
  /** Failing: calls are refused until the cool-down has passed. */
  OPEN,
  /** Cool-down over: one probe call is in flight, its result decides between the two others. */
  HALF_OPEN
}
