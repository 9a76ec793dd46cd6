package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.spi.ProviderEndpoint;
import java.util.Objects;

/**
 * One place a catalog model is served: a provider deployment with its own endpoint, breaker and
 * health. {@code id} is unique across the catalog (e.g. {@code azure-westeurope/gpt-4o}); {@code
 * providerKind} names the adapter ({@code openai}, {@code anthropic}); {@code weight} splits
 * traffic between equivalent deployments.
 */
public record Deployment(
    String id,
    String model,
    String providerKind,
    ModelTier tier,
    ProviderEndpoint endpoint,
    int weight) {

  public Deployment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(providerKind, "providerKind");
    Objects.requireNonNull(tier, "tier");
    Objects.requireNonNull(endpoint, "endpoint");
    if (weight < 0) {
      throw new IllegalArgumentException("weight must not be negative: " + weight);
    }
  }
}
