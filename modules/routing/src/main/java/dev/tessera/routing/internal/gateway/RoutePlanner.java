package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.Fallback;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.ResponseFormat;
import dev.tessera.routing.api.RoutingPolicies;
import dev.tessera.routing.api.RoutingPolicy;
import dev.tessera.routing.api.UnknownModelException;
import dev.tessera.routing.internal.catalog.TenantProviderKeys;
import dev.tessera.routing.internal.resilience.Deployment;
import dev.tessera.routing.internal.resilience.FallbackConsent;
import dev.tessera.routing.internal.resilience.HealthScore;
import dev.tessera.routing.internal.resilience.ModelTier;
import dev.tessera.tenancy.api.Tier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Route planning, before anything is held or sent: the tenant's policy and entitlement, the primary
 * (with the budget and challenger routes), its stand-ins in health order within the latency
 * ceiling, the tenant's own provider keys, and the fallback consent.
 */
@ApplicationScoped
class RoutePlanner {
  private static final Logger LOG = Logger.getLogger(RoutePlanner.class.getName());

  @Inject Router router;
  @Inject TenantProviderKeys providerKeys;
  @Inject Resilience resilience;
  @Inject BudgetPressure budget;
  @Inject RoutingPolicies policies;

  @Inject
  @ConfigProperty(name = "tessera.gateway.fallback", defaultValue = "EQUIVALENT")
  String defaultFallback;

  /** The routing decision: deployments in the order they may serve, and their catalog entries. */
  record Plan(
      CatalogModel primary,
      List<Deployment> deployments,
      Map<String, CatalogModel> byId,
      String route,
      FallbackConsent consent,
      RoutingPolicy policy,
      Demand demand) {

    /** Free primaries (the built-in models) hold nothing: a fallback is charged at most their 0. */
    boolean free() {
      return primary.price().isFree();
    }

    /** The most output the call may produce: its max_tokens (per choice), else the model's room. */
    long maxOutputTokens(ChatRequest request) {
      return maxOutput(request, primary, demand);
    }

    /** The plan's model that a streamed chunk names, else the primary. */
    CatalogModel named(String model) {
      if (model != null) {
        for (CatalogModel m : byId.values()) {
          if (m.name().equals(model)) {
            return m;
          }
        }
      }
      return primary;
    }
  }

  /** Routes a chat request: its primary (budget and challenger routes applied) and stand-ins. */
  Plan plan(GatewayCall call, ChatRequest request) {
    RoutingPolicy policy = policies.get(call.tenant());
    Router.Entitlement entitlement = entitlement(call, policy);
    Set<String> needs = needs(request);
    Demand demand = Demand.of(request);
    String asked = policy.resolve(request.model());
    CatalogModel primary = router.chat(asked, needs, entitlement, demand);
    String route = "primary";
    if (("auto".equals(asked) || asked == null || asked.isBlank())
        && budget.tight(call, primary, demand.inputTokens(), maxOutput(request, primary, demand))) {
      // credits are running low: the cheapest model that can do the job, not an escalation
      CatalogModel cheapest = router.chat("fast", needs, entitlement, demand);
      if (cheapest.tier() < primary.tier()
          || cheapest.outputPricePerMillion() < primary.outputPricePerMillion()) {
        primary = cheapest;
        route = "budget";
      }
    }
    if (primary.name().equals(policy.championModel())
        && policy.challengerShare() > 0
        && ThreadLocalRandom.current().nextInt(100) < policy.challengerShare()) {
      try {
        primary = router.chat(policy.challengerModel(), needs, entitlement, demand);
        route = "challenger";
      } catch (UnknownModelException notEntitled) {
        LOG.fine("ROUTING-0501 challenger not routable for tenant " + call.tenant());
      }
    }
    Function<CatalogModel, HealthScore> health =
        m -> resilience.health().scoreOf(deployment(m).id());
    UnaryOperator<CatalogModel> credentials = ownKeys(call);
    List<CatalogModel> candidates =
        HealthOrder.withinLatency(
            HealthOrder.order(
                router.candidatesFor(primary, needs, entitlement, demand).stream()
                    .map(credentials)
                    .toList(),
                health),
            health,
            policy.maxLatencyMs());
    primary = candidates.get(0);
    Map<String, CatalogModel> byId = new HashMap<>();
    List<Deployment> deployments = new ArrayList<>();
    for (CatalogModel c : candidates) {
      Deployment d = deployment(c);
      if (byId.putIfAbsent(d.id(), c) == null) {
        deployments.add(d);
      }
    }
    return new Plan(primary, deployments, byId, route, consent(call, policy), policy, demand);
  }

  /** The embedding model a call asked for, as the tenant may use it (its own key included). */
  CatalogModel embedding(GatewayCall call, String asked) {
    return ownKeys(call).apply(router.embedding(asked, entitlement(call)));
  }

  /** A built-in embedding model every tenant may use (the semantic cache's question embedder). */
  CatalogModel anyTenant(String embeddingModel) {
    return router.embedding(embeddingModel, Router.Entitlement.ANY);
  }

  /** The tiers and regions this call's tenant may use. */
  Router.Entitlement entitlement(GatewayCall call) {
    return entitlement(call, policies.get(call.tenant()));
  }

  /**
   * Puts the tenant's own provider keys (bring your own key) on the deployments of those providers;
   * every other deployment keeps the platform's credential.
   */
  UnaryOperator<CatalogModel> ownKeys(GatewayCall call) {
    Map<UUID, String> own = providerKeys.keysFor(call.tenant());
    if (own.isEmpty()) {
      return UnaryOperator.identity();
    }
    String tenant = call.tenant().toString();
    return m -> {
      String key = m.providerId() == null ? null : own.get(m.providerId());
      return key == null ? m : m.withTenantKey(tenant, key);
    };
  }

  static long maxOutput(ChatRequest request, CatalogModel model, Demand demand) {
    int n = request.n() == null ? 1 : Math.max(1, request.n());
    return request.maxTokens() != null
        ? (long) request.maxTokens() * n
        : Math.max(0, (long) model.contextWindow() - demand.inputTokens()) * n;
  }

  /** The tiers and regions a tenant may use: its policy, else its tenant tier's default. */
  static Router.Entitlement entitlement(GatewayCall call, RoutingPolicy policy) {
    int maxTier =
        policy.maxTier() != null ? policy.maxTier() : (call.tier() == Tier.STANDARD ? 2 : 3);
    return new Router.Entitlement(maxTier, policy.allowedRegions());
  }

  /** A catalog entry as the failure-handling layer sees it: one deployment, with its breaker. */
  static Deployment deployment(CatalogModel m) {
    return new Deployment(
        m.name()
            + "@"
            + m.endpoint().baseUrl()
            + "#"
            + m.endpoint().upstreamModel()
            + (m.credentialScope() == null ? "" : "~" + m.credentialScope()),
        m.name(),
        m.providerKind(),
        ModelTier.values()[m.tier()],
        m.endpoint(),
        m.weight());
  }

  private FallbackConsent consent(GatewayCall call, RoutingPolicy policy) {
    Fallback f =
        call.fallback() != null
            ? call.fallback()
            : policy.fallback() != null ? policy.fallback() : Fallback.valueOf(defaultFallback);
    return FallbackConsent.valueOf(f.name());
  }

  /** What a request needs from a model beyond plain chat. */
  private static Set<String> needs(ChatRequest r) {
    Set<String> needs = new HashSet<>();
    if (!r.tools().isEmpty()) {
      needs.add("tools");
    }
    if (r.responseFormat().type() != ResponseFormat.Type.TEXT) {
      needs.add("json");
    }
    return needs;
  }
}
