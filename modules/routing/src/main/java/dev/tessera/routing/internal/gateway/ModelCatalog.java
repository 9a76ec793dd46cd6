package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.api.CatalogAdmin;
import dev.tessera.routing.internal.catalog.CatalogStore;
import dev.tessera.routing.spi.ProviderEndpoint;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The models the gateway knows. Today: the built-in offline models, which answer with no provider
 * configured at all. The admin catalog (providers, credentials, per-tenant overrides) extends this.
 */
@ApplicationScoped
class ModelCatalog {
  static final String LOCAL_CHAT = "local-extractive";
  static final String LOCAL_EMBEDDING = "local-minilm";
  private static final long REFRESH_NANOS = 2_000_000_000L;

  /** Aliases resolve to a routing policy rather than one model. */
  static final Set<String> CHAT_ALIASES = Set.of("auto", "fast", "smart");

  static final Set<String> EMBEDDING_ALIASES = Set.of("auto", "default");

  private static final List<CatalogModel> BUILT_IN =
      List.of(
          new CatalogModel(
              LOCAL_CHAT,
              CatalogModel.Kind.CHAT,
              0,
              0,
              0,
              32_768,
              Set.of("json", "streaming"),
              "local",
              local(LOCAL_CHAT),
              100,
              "local",
              null,
              null),
          new CatalogModel(
              LOCAL_EMBEDDING,
              CatalogModel.Kind.EMBEDDING,
              0,
              0,
              0,
              512,
              Set.of("embeddings"),
              "local",
              local(LOCAL_EMBEDDING),
              100,
              "local",
              null,
              null));

  @Inject CatalogStore store;

  /** Built-in models run in-process; the endpoint only names the model, like any upstream. */
  private static ProviderEndpoint local(String model) {
    return new ProviderEndpoint(URI.create("local:/"), null, null, null, model);
  }

  private volatile Snapshot snapshot = new Snapshot(BUILT_IN, -1, 0);

  /** The catalog as last read: built-in models plus the stored ones. */
  private record Snapshot(List<CatalogModel> models, long version, long readAtNanos) {}

  /** Every deployment serving {@code name} (one model may run at several providers). */
  List<CatalogModel> deployments(String name) {
    return current().stream().filter(m -> m.name().equals(name)).toList();
  }

  /** Every deployment of a kind, cheapest tier first (the order small-first routing walks). */
  List<CatalogModel> byKind(CatalogModel.Kind kind) {
    return current().stream()
        .filter(m -> m.kind() == kind)
        .sorted(
            Comparator.comparingInt(CatalogModel::tier)
                .thenComparingLong(CatalogModel::outputPricePerMillion)
                .thenComparing(CatalogModel::name))
        .toList();
  }

  private List<CatalogModel> current() {
    Snapshot s = snapshot;
    if (s.version() == store.version() && System.nanoTime() - s.readAtNanos() < REFRESH_NANOS) {
      return s.models();
    }
    long version = store.version();
    List<CatalogModel> models = new ArrayList<>(BUILT_IN);
    for (CatalogStore.Deployable d : store.deployables()) {
      CatalogAdmin.ModelView m = d.model();
      models.add(
          new CatalogModel(
              m.name(),
              "embedding".equals(m.kind()) ? CatalogModel.Kind.EMBEDDING : CatalogModel.Kind.CHAT,
              m.tier(),
              m.inputPricePerMillion(),
              m.outputPricePerMillion(),
              m.contextWindow(),
              Set.copyOf(m.capabilities()),
              d.providerKind(),
              new ProviderEndpoint(
                  d.baseUrl(), d.apiKey(), d.headers(), d.queryParameters(), m.upstreamName()),
              m.weight(),
              d.region(),
              d.providerId(),
              null,
              m.cachedPricePerMillion()));
    }
    snapshot = new Snapshot(List.copyOf(models), version, System.nanoTime());
    return snapshot.models();
  }
}
