package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.spi.ProviderEndpoint;
import java.util.Set;

/**
 * One model a tenant can be routed to: its catalog name, what it does, its tier (0 cheapest), price
 * per million tokens (micro-credits), and the provider deployment that serves it.
 */
record CatalogModel(
    String name,
    Kind kind,
    int tier,
    long inputPricePerMillion,
    long outputPricePerMillion,
    int contextWindow,
    Set<String> capabilities,
    String providerKind,
    ProviderEndpoint endpoint,
    int weight,
    String region) {

  /** What a model is for. */
  enum Kind {
    CHAT,
    EMBEDDING
  }

  String tierName() {
    return "T" + tier;
  }
}
