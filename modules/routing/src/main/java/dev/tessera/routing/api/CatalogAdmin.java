package dev.tessera.routing.api;

import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The platform operator's model catalog: provider deployments (with credentials encrypted at rest)
 * and the models they serve, by tier and price.
 */
public interface CatalogAdmin {
  /** A provider deployment as listed: never its credential, only whether it has one. */
  record ProviderView(
      UUID id,
      String name,
      String kind,
      String baseUrl,
      boolean hasCredential,
      String credentialKeyId,
      Map<String, String> headers,
      Map<String, String> queryParameters,
      String region,
      boolean enabled) {}

  /** A request to register a provider; {@code apiKey} is encrypted before it is stored. */
  record NewProvider(
      String name,
      String kind,
      String baseUrl,
      String apiKey,
      Map<String, String> headers,
      Map<String, String> queryParameters,
      String region) {}

  /** A model served by a provider; prices in micro-credits per million tokens. */
  record ModelView(
      UUID id,
      String name,
      UUID providerId,
      String upstreamName,
      String kind,
      int tier,
      long inputPricePerMillion,
      long outputPricePerMillion,
      long cachedPricePerMillion,
      int contextWindow,
      List<String> capabilities,
      int weight,
      boolean enabled) {}

  record NewModel(
      String name,
      UUID providerId,
      String upstreamName,
      String kind,
      Integer tier,
      Long inputPricePerMillion,
      Long outputPricePerMillion,
      Long cachedPricePerMillion,
      Integer contextWindow,
      List<String> capabilities,
      Integer weight) {}

  ProviderView addProvider(NewProvider provider);

  Page<ProviderView> providers(PageRequest page);

  /** Replaces the provider's credential (rotation by the operator); null removes it. */
  ProviderView setCredential(UUID providerId, String apiKey);

  void removeProvider(UUID providerId);

  ModelView addModel(NewModel model);

  Page<ModelView> models(PageRequest page);

  void removeModel(UUID modelId);

  /** Re-encrypts every stored credential under the current master key; returns how many. */
  int reencryptCredentials();
}
