package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.api.UnknownModelException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Resolves what a request asked for into the model that serves it: an explicit catalog name, or an
 * alias resolved small-first (the cheapest tier that has every capability the request needs).
 */
@ApplicationScoped
class Router {
  @Inject ModelCatalog catalog;

  /**
   * What a tenant may be routed to: tiers up to {@code maxTier}, regions in the list (null: any).
   */
  record Entitlement(int maxTier, List<String> regions) {
    static final Entitlement ANY = new Entitlement(3, null);

    boolean allows(CatalogModel m) {
      return m.tier() <= maxTier
          && (regions == null || "local".equals(m.region()) || regions.contains(m.region()));
    }
  }

  CatalogModel chat(String requested, Set<String> requiredCapabilities, Entitlement e) {
    return resolve(
        requested, CatalogModel.Kind.CHAT, ModelCatalog.CHAT_ALIASES, requiredCapabilities, e);
  }

  /**
   * The primary choice first, then what could stand in for it: other deployments of the same model,
   * then other chat models of the same or cheaper tiers, nearest tier first. Which of these may
   * actually serve is the caller's fallback consent.
   */
  List<CatalogModel> chatCandidates(String requested, Set<String> needs, Entitlement e) {
    return candidatesFor(chat(requested, needs, e), needs, e);
  }

  /** {@code primary} first, then its stand-ins within the entitlement. */
  List<CatalogModel> candidatesFor(CatalogModel primary, Set<String> needs, Entitlement e) {
    List<CatalogModel> out = new java.util.ArrayList<>();
    out.add(primary);
    catalog.deployments(primary.name()).stream()
        .filter(d -> d != primary && e.allows(d))
        .forEach(out::add);
    catalog.byKind(CatalogModel.Kind.CHAT).stream()
        .filter(m -> !m.name().equals(primary.name()) && e.allows(m))
        .filter(m -> m.tier() <= primary.tier() && m.capabilities().containsAll(needs))
        .sorted(java.util.Comparator.comparingInt(CatalogModel::tier).reversed())
        .forEach(out::add);
    return out;
  }

  CatalogModel embedding(String requested, Entitlement e) {
    return resolve(
        requested, CatalogModel.Kind.EMBEDDING, ModelCatalog.EMBEDDING_ALIASES, Set.of(), e);
  }

  private CatalogModel resolve(
      String requested,
      CatalogModel.Kind kind,
      Set<String> aliases,
      Set<String> needs,
      Entitlement e) {
    String name = requested == null || requested.isBlank() ? "auto" : requested;
    if (aliases.contains(name)) {
      // small-first: the cheapest tier that has every capability the request needs
      CatalogModel cheapest =
          catalog.byKind(kind).stream()
              .filter(m -> m.capabilities().containsAll(needs) && e.allows(m))
              .findFirst()
              .orElseThrow(
                  () ->
                      new UnknownModelException(
                          name,
                          "No " + kind.name().toLowerCase() + " model offers " + needs + "."));
      return weighted(catalog.deployments(cheapest.name()).stream().filter(e::allows).toList());
    }
    List<CatalogModel> deployments = catalog.deployments(name).stream().filter(e::allows).toList();
    if (deployments.isEmpty()) {
      // beyond the tenant's tier or regions: indistinguishable from a model that does not exist
      throw new UnknownModelException(
          name, "The model '" + name + "' does not exist or you do not have access to it.");
    }
    if (deployments.get(0).kind() != kind) {
      throw new UnknownModelException(
          name, "The model '" + name + "' is not a " + kind.name().toLowerCase() + " model.");
    }
    return weighted(deployments);
  }

  /** Weighted random choice among the deployments of one model (load balancing). */
  static CatalogModel weighted(List<CatalogModel> deployments) {
    if (deployments.size() == 1) {
      return deployments.get(0);
    }
    int total = deployments.stream().mapToInt(CatalogModel::weight).sum();
    int pick = ThreadLocalRandom.current().nextInt(total);
    for (CatalogModel d : deployments) {
      pick -= d.weight();
      if (pick < 0) {
        return d;
      }
    }
    return deployments.get(deployments.size() - 1);
  }
}
