package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.api.ContextLengthException;
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

  /**
   * The model that serves a chat request. An explicit name is honoured if the request fits its
   * context window. Aliases resolve among the models that have every needed capability and room for
   * the request: {@code fast} the cheapest, {@code smart} the strongest entitled tier, {@code auto}
   * small-first from the tier the request's estimated difficulty calls for (the strongest one below
   * it when no model of that tier or above is available).
   */
  CatalogModel chat(
      String requested, Set<String> requiredCapabilities, Entitlement e, Demand demand) {
    String name = requested == null || requested.isBlank() ? "auto" : requested;
    if (!ModelCatalog.CHAT_ALIASES.contains(name)) {
      CatalogModel explicit =
          resolve(name, CatalogModel.Kind.CHAT, Set.of(), requiredCapabilities, e);
      if (!demand.fits(explicit)) {
        throw new ContextLengthException(
            "This model's maximum context length is "
                + explicit.contextWindow()
                + " tokens. However, you requested about "
                + (demand.inputTokens() + demand.outputTokens())
                + " tokens ("
                + demand.inputTokens()
                + " in the messages, "
                + demand.outputTokens()
                + " in the completion).");
      }
      return explicit;
    }
    List<CatalogModel> able =
        catalog.byKind(CatalogModel.Kind.CHAT).stream()
            .filter(m -> m.capabilities().containsAll(requiredCapabilities) && e.allows(m))
            .toList();
    if (able.isEmpty()) {
      throw new UnknownModelException(name, "No chat model offers " + requiredCapabilities + ".");
    }
    List<CatalogModel> roomy = able.stream().filter(demand::fits).toList();
    if (roomy.isEmpty()) {
      throw new ContextLengthException(
          "No model you may use has room for about "
              + (demand.inputTokens() + demand.outputTokens())
              + " tokens; the largest context window is "
              + able.stream().mapToInt(CatalogModel::contextWindow).max().orElse(0)
              + ".");
    }
    CatalogModel pick = pick(name, roomy, demand);
    return weighted(
        catalog.deployments(pick.name()).stream().filter(e::allows).filter(demand::fits).toList());
  }

  /** The alias's choice among able models with room, which come cheapest tier first. */
  static CatalogModel pick(String alias, List<CatalogModel> roomy, Demand demand) {
    switch (alias) {
      case "fast":
        return roomy.get(0);
      case "smart":
        int top = roomy.stream().mapToInt(CatalogModel::tier).max().orElseThrow();
        return roomy.stream().filter(m -> m.tier() == top).findFirst().orElseThrow();
      default:
        // auto: small-first from the tier the request needs; the strongest below it otherwise
        return roomy.stream()
            .filter(m -> m.tier() >= demand.minimumTier())
            .findFirst()
            .orElse(roomy.get(roomy.size() - 1));
    }
  }

  /**
   * The primary choice first, then what could stand in for it: other deployments of the same model,
   * then other chat models of the same or cheaper tiers, nearest tier first, each with room for the
   * request. Which of these may actually serve is the caller's fallback consent.
   */
  List<CatalogModel> candidatesFor(
      CatalogModel primary, Set<String> needs, Entitlement e, Demand demand) {
    List<CatalogModel> out = new java.util.ArrayList<>();
    out.add(primary);
    catalog.deployments(primary.name()).stream()
        .filter(d -> d != primary && e.allows(d) && demand.fits(d))
        .forEach(out::add);
    catalog.byKind(CatalogModel.Kind.CHAT).stream()
        .filter(m -> !m.name().equals(primary.name()) && e.allows(m) && demand.fits(m))
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
