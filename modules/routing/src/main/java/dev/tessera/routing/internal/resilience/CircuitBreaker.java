package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ProviderException;
import java.util.Optional;

/**
 * Guards one provider deployment: stops sending it traffic after repeated provider failures and
 * lets a single probe through after a cool-down. An interface so the local state can give way to
 * one shared by the cluster.
 */
public interface CircuitBreaker {

  /**
   * Asks to make one call. Empty when the circuit is open, or half-open with its probe already out;
   * otherwise a permit that must be settled exactly once, however the call ends.
   */
  Optional<Permit> tryAcquire();

  CircuitState state();

  /** Leave to make one call; settling it again is ignored. */
  interface Permit {
    void onSuccess();

    /** A failure; only those that {@link #countsAgainstProvider} trip the breaker. */
    void onFailure(ProviderException failure);

    /** The call ended without a verdict on the provider (cancelled by the caller). */
    void release();
  }

  /**
   * Whether a failure says the provider is unwell. Rejections of the request or the credentials
   * (4xx) say nothing about its health: the provider answered promptly.
   */
  static boolean countsAgainstProvider(ProviderException failure) {
    return switch (failure.kind()) {
      case RATE_LIMITED, SERVER_ERROR, TIMEOUT, CONNECTION, MALFORMED_RESPONSE, STREAM_BROKEN ->
          true;
      case CLIENT_ERROR, AUTH -> false;
    };
  }
}
