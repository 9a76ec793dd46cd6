package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ProviderException;

/**
 * Watches the upstream attempts of the calls a {@link ResilientCaller} makes, for metrics and
 * traces. Every method is called on the hot path (some under the attempt loop's monitor): they must
 * be quick and must not throw.
 */
public interface AttemptObserver {
  /** Observes nothing. */
  AttemptObserver NONE = new AttemptObserver() {};

  /**
   * The call the current thread is starting (its metrics and span), captured when its attempt loop
   * is built; {@code null} when nothing observes it.
   */
  default Object currentCall() {
    return null;
  }

  /** An attempt begins; what this returns is handed back to {@link #ended} and {@link #within}. */
  default Object started(Object call, Deployment deployment, int number) {
    return null;
  }

  /** Runs the attempt's launch with its context current, so the provider call carries it. */
  default void within(Object attempt, Runnable launch) {
    launch.run();
  }

  /**
   * An attempt ended: {@code failure} null when it succeeded; {@code firstChunkNanos} negative when
   * nothing streamed; {@code cancelled} when it was abandoned without a verdict on the provider.
   */
  default void ended(
      Object call,
      Object attempt,
      Deployment deployment,
      long nanos,
      long firstChunkNanos,
      ProviderException failure,
      boolean cancelled) {}
}
