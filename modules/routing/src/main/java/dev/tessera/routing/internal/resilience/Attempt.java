package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ProviderException;
import java.time.Duration;

/**
 * One upstream call made for a request: which deployment, its number among the request's calls
 * (from 1), how long it took, and its failure ({@code null} when it served the answer).
 */
public record Attempt(String deploymentId, int number, Duration took, ProviderException failure) {
  public boolean failed() {
    return failure != null;
  }
}
