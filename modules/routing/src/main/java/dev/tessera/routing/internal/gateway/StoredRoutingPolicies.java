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
  private static final int MAX_ALIASES = 100;
  private static final java.util.regex.Pattern ALIAS =
      java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final jakarta.json.spi.JsonProvider JSON =
      jakarta.json.spi.JsonProvider.provider();

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
                      + "challenger_share, aliases::text, max_latency_ms, semantic_cache_threshold, "
                      + "semantic_cache_ttl_seconds FROM public.routing_policies WHERE tenant_id = ?")) {
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
                  rs.getInt(6),
                  aliases(rs.getString(7)),
                  (Integer) rs.getObject(8),
                  rs.getObject(9) == null
                      ? null
                      : new RoutingPolicy.SemanticCache(rs.getDouble(9), rs.getInt(10)));
            }
          }
        });
  }

  private static Map<String, String> aliases(String json) {
    if (json == null) {
      return null;
    }
    Map<String, String> out = new java.util.TreeMap<>();
    try (var r = JSON.createReader(new java.io.StringReader(json))) {
      r.readObject().forEach((k, v) -> out.put(k, ((jakarta.json.JsonString) v).getString()));
    }
    return out;
  }

  private static String aliasesJson(Map<String, String> aliases) {
    var b = JSON.createObjectBuilder();
    aliases.forEach(b::add);
    return b.build().toString();
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
    if (p.maxLatencyMs() != null && p.maxLatencyMs() <= 0) {
      throw InvalidInputException.field(
          "maxLatencyMs", "must be a positive number of milliseconds");
    }
    RoutingPolicy.SemanticCache sc = p.semanticCache();
    if (sc != null && (!(sc.threshold() >= 0.5) || sc.threshold() > 1.0)) {
      throw InvalidInputException.field(
          "semanticCache.threshold", "must be a cosine similarity from 0.5 to 1.0");
    }
    if (sc != null && sc.ttlSeconds() <= 0) {
      throw InvalidInputException.field("semanticCache.ttlSeconds", "must be positive");
    }
    if (p.aliases() != null) {
      if (p.aliases().size() > MAX_ALIASES) {
        throw InvalidInputException.field("aliases", "at most " + MAX_ALIASES + " aliases");
      }
      for (Map.Entry<String, String> a : p.aliases().entrySet()) {
        String alias = a.getKey();
        String target = a.getValue();
        if (alias == null || !ALIAS.matcher(alias).matches()) {
          throw InvalidInputException.field(
              "aliases", "alias names are 1-64 letters, digits, '.', '_', ':' or '-'");
        }
        if (ModelCatalog.CHAT_ALIASES.contains(alias) || !catalog.deployments(alias).isEmpty()) {
          throw InvalidInputException.field(
              "aliases", "'" + alias + "' is already a model or built-in alias");
        }
        if (target == null
            || (!ModelCatalog.CHAT_ALIASES.contains(target)
                && catalog.deployments(target).isEmpty())) {
          throw InvalidInputException.field(
              "aliases", "alias '" + alias + "' points to unknown model '" + target + "'");
        }
      }
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
                      + "champion_model, challenger_model, challenger_share, aliases, max_latency_ms, "
                      + "semantic_cache_threshold, semantic_cache_ttl_seconds, updated_at) "
                      + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, now()) "
                      + "ON CONFLICT (tenant_id) DO UPDATE SET "
                      + "max_tier = EXCLUDED.max_tier, allowed_regions = EXCLUDED.allowed_regions, "
                      + "fallback = EXCLUDED.fallback, champion_model = EXCLUDED.champion_model, "
                      + "challenger_model = EXCLUDED.challenger_model, "
                      + "challenger_share = EXCLUDED.challenger_share, aliases = EXCLUDED.aliases, "
                      + "max_latency_ms = EXCLUDED.max_latency_ms, "
                      + "semantic_cache_threshold = EXCLUDED.semantic_cache_threshold, "
                      + "semantic_cache_ttl_seconds = EXCLUDED.semantic_cache_ttl_seconds, "
                      + "updated_at = now()")) {
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
            ps.setString(8, p.aliases() == null ? null : aliasesJson(p.aliases()));
            ps.setObject(9, p.maxLatencyMs());
            ps.setObject(10, sc == null ? null : sc.threshold());
            ps.setObject(11, sc == null ? null : sc.ttlSeconds());
            return ps.executeUpdate();
          }
        });
    cache.remove(tenant);
    return get(tenant);
  }
}
