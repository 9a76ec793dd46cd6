package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.api.Fallback;
import dev.tessera.routing.api.RoutingPolicies;
import dev.tessera.routing.api.RoutingPolicy;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routing policies in the tenant's own table, cached per instance for a second (the request path
 * reads one per call; a change reaches every instance within that second).
 */
@ApplicationScoped
public class StoredRoutingPolicies implements RoutingPolicies {
  private static final long TTL_NANOS = 1_000_000_000L;

  @Inject TenantData data;
  @Inject ModelCatalog catalog;

  private final Map<TenantId, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(RoutingPolicy policy, long readAt) {}

  @Override
  public RoutingPolicy get(TenantId tenant) {
    Cached c = cache.get(tenant);
    long now = System.nanoTime();
    if (c != null && now - c.readAt() < TTL_NANOS) {
      return c.policy();
    }
    RoutingPolicy p = read(tenant);
    if (cache.size() > 100_000) {
      cache.clear();
    }
    cache.put(tenant, new Cached(p, now));
    return p;
  }

  private RoutingPolicy read(TenantId tenant) {
    return data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT max_tier, allowed_regions, fallback, champion_model, challenger_model, "
                      + "challenger_share FROM public.routing_policies WHERE tenant_id = ?")) {
            ps.setObject(1, tenant.value());
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return RoutingPolicy.DEFAULT;
              }
              Integer maxTier = (Integer) rs.getObject(1);
              Array regions = rs.getArray(2);
              String fallback = rs.getString(3);
              return new RoutingPolicy(
                  maxTier,
                  regions == null ? null : List.of((String[]) regions.getArray()),
                  fallback == null ? null : Fallback.valueOf(fallback),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getInt(6));
            }
          }
        });
  }

  @Override
  public RoutingPolicy set(TenantId tenant, RoutingPolicy p) {
    if (p == null) {
      throw InvalidInputException.field("body", "a JSON object is required");
    }
    if (p.maxTier() != null && (p.maxTier() < 0 || p.maxTier() > 3)) {
      throw InvalidInputException.field("maxTier", "must be 0 (T0) to 3 (T3)");
    }
    if (p.challengerShare() < 0 || p.challengerShare() > 100) {
      throw InvalidInputException.field("challengerShare", "must be 0 to 100 (percent)");
    }
    if ((p.championModel() == null) != (p.challengerModel() == null)) {
      throw InvalidInputException.field(
          "challengerModel", "champion and challenger are set together");
    }
    for (String model : new String[] {p.championModel(), p.challengerModel()}) {
      if (model != null && catalog.deployments(model).isEmpty()) {
        throw InvalidInputException.field("challengerModel", "unknown model '" + model + "'");
      }
    }
    data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO public.routing_policies (tenant_id, max_tier, allowed_regions, fallback, "
                      + "champion_model, challenger_model, challenger_share, updated_at) "
                      + "VALUES (?, ?, ?, ?, ?, ?, ?, now()) ON CONFLICT (tenant_id) DO UPDATE SET "
                      + "max_tier = EXCLUDED.max_tier, allowed_regions = EXCLUDED.allowed_regions, "
                      + "fallback = EXCLUDED.fallback, champion_model = EXCLUDED.champion_model, "
                      + "challenger_model = EXCLUDED.challenger_model, "
                      + "challenger_share = EXCLUDED.challenger_share, updated_at = now()")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, p.maxTier());
            ps.setArray(
                3,
                p.allowedRegions() == null
                    ? null
                    : c.createArrayOf("text", p.allowedRegions().toArray()));
            ps.setString(4, p.fallback() == null ? null : p.fallback().name());
            ps.setString(5, p.championModel());
            ps.setString(6, p.challengerModel());
            ps.setInt(7, p.challengerShare());
            return ps.executeUpdate();
          }
        });
    cache.remove(tenant);
    return get(tenant);
  }
}
