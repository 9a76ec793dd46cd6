package dev.tessera.routing.internal.gateway;

import dev.tessera.billing.api.Price;
import dev.tessera.routing.spi.ProviderEndpoint;
import java.util.Set;
import java.util.UUID;

/**
 * One model a tenant can be routed to: its catalog name, what it does, its tier (0 cheapest), price
 * per million tokens (micro-credits), and the provider deployment that serves it ({@code
 * credentialScope} null: with the platform's credential).
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
    String region,
    UUID providerId,
    String credentialScope,
    long cachedPricePerMillion) {

  /** A model whose cached input costs as much as any input. */
  CatalogModel(
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
      String region,
      UUID providerId,
      String credentialScope) {
    this(
        name,
        kind,
        tier,
        inputPricePerMillion,
        outputPricePerMillion,
        contextWindow,
        capabilities,
        providerKind,
        endpoint,
        weight,
        region,
        providerId,
        credentialScope,
        inputPricePerMillion);
  }

  /** Its list price, for billing. */
  Price price() {
    return new Price(inputPricePerMillion, outputPricePerMillion, cachedPricePerMillion);
  }

  /**
   * This deployment called with a tenant's own credential: a deployment of its own, so the tenant's
   * failures (a revoked key, its own rate limit) never open the breaker everyone else shares.
   */
  CatalogModel withTenantKey(String tenant, String apiKey) {
    return new CatalogModel(
        name,
        kind,
        tier,
        inputPricePerMillion,
        outputPricePerMillion,
        contextWindow,
        capabilities,
        providerKind,
        new ProviderEndpoint(
            endpoint.baseUrl(),
            apiKey,
            endpoint.headers(),
            endpoint.queryParameters(),
            endpoint.upstreamModel()),
        weight,
        region,
        providerId,
        "tenant:" + tenant,
        cachedPricePerMillion);
  }

  /** What a model is for. */
  enum Kind {
    CHAT,
    EMBEDDING
  }

  String tierName() {
    return "T" + tier;
  }
}
