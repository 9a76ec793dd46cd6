package dev.tessera.web.portal;

import dev.tessera.routing.api.Fallback;
import dev.tessera.routing.api.RoutingPolicies;
import dev.tessera.routing.api.RoutingPolicy;
import dev.tessera.tenancy.api.Role;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The tenant's routing policy: highest tier, regions, fallback consent, champion/challenger and
 * latency cap. Tenant administrators and developers read it; the operator sets it (as on the API).
 */
@Named
@ViewScoped
public class RoutingPage extends TenantPage {
  private static final long serialVersionUID = 1L;

  @Inject RoutingPolicies policies;

  private RoutingPolicy policy;
  private Integer maxTier;
  private String regions;
  private Fallback fallback;
  private Integer maxLatencyMs;

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.ROUTING_VIEW;
  }

  @Override
  protected void refresh() {
    policy = policies.get(require(Permissions.ROUTING_VIEW));
    maxTier = policy.maxTier();
    regions = policy.allowedRegions() == null ? "" : String.join(", ", policy.allowedRegions());
    fallback = policy.fallback();
    maxLatencyMs = policy.maxLatencyMs();
  }

  public void save() {
    List<String> regionList =
        regions == null || regions.isBlank()
            ? null
            : Arrays.stream(regions.split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    RoutingPolicy before = policy;
    if (attempt(
        "routing-policy.replace",
        "routing-policy",
        getTenantId(),
        before,
        () ->
            policies.set(
                require(Permissions.OPERATOR),
                new RoutingPolicy(
                    maxTier,
                    regionList,
                    fallback,
                    policy.championModel(),
                    policy.challengerModel(),
                    policy.challengerShare(),
                    policy.aliases(),
                    maxLatencyMs,
                    policy.semanticCache())))) {
      info("Routing policy saved; new requests follow it.");
      refresh();
    }
  }

  public boolean isEditable() {
    return can(Permissions.OPERATOR);
  }

  public Fallback[] getFallbacks() {
    return Fallback.values();
  }

  public RoutingPolicy getPolicy() {
    return policy;
  }

  public Integer getMaxTier() {
    return maxTier;
  }

  public void setMaxTier(Integer maxTier) {
    this.maxTier = maxTier;
  }

  public String getRegions() {
    return regions;
  }

  public void setRegions(String regions) {
    this.regions = regions;
  }

  public Fallback getFallback() {
    return fallback;
  }

  public void setFallback(Fallback fallback) {
    this.fallback = fallback;
  }

  public Integer getMaxLatencyMs() {
    return maxLatencyMs;
  }

  public void setMaxLatencyMs(Integer maxLatencyMs) {
    this.maxLatencyMs = maxLatencyMs;
  }
}
