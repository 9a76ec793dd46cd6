package dev.tessera.governance.internal.safety;

import dev.tessera.governance.api.safety.SafetyPolicies;
import dev.tessera.governance.api.safety.SafetyPolicy;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Safety policies in the tenant's own table ({@code safety_policies}, under row-level security),
 * cached per instance for a second: the request path reads one per call, and a change reaches every
 * instance within that second.
 */
@ApplicationScoped
public class StoredSafetyPolicies implements SafetyPolicies {
  private static final long TTL_NANOS = 1_000_000_000L;

  @Inject TenantData data;

  private final Map<TenantId, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(SafetyPolicy policy, long readAt) {}

  @Override
  public SafetyPolicy get(TenantId tenant) {
    Cached c = cache.get(tenant);
    long now = System.nanoTime();
    if (c != null && now - c.readAt() < TTL_NANOS) {
      return c.policy();
    }
    SafetyPolicy p = read(tenant);
    if (c != null && c.policy().equals(p)) {
      p = c.policy(); // same content: keep the instance, so its compiled form is reused
    }
    if (cache.size() > 100_000) {
      cache.clear();
    }
    cache.put(tenant, new Cached(p, now));
    return p;
  }

  private SafetyPolicy read(TenantId tenant) {
    String json =
        data.inTenant(
            tenant,
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT policy::text FROM public.safety_policies WHERE tenant_id = ?")) {
                ps.setObject(1, tenant.value());
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next() ? rs.getString(1) : null;
                }
              }
            });
    return json == null ? SafetyPolicy.DEFAULT : PolicyJson.read(json);
  }

  @Override
  public SafetyPolicy set(TenantId tenant, SafetyPolicy policy) {
    PolicyJson.validate(policy);
    String json = PolicyJson.write(policy);
    data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO public.safety_policies (tenant_id, policy, updated_at) "
                      + "VALUES (?, ?::jsonb, now()) ON CONFLICT (tenant_id) DO UPDATE SET "
                      + "policy = EXCLUDED.policy, updated_at = now()")) {
            ps.setObject(1, tenant.value());
            ps.setString(2, json);
            return ps.executeUpdate();
          }
        });
    cache.remove(tenant);
    return get(tenant);
  }

  @Override
  public SafetyPolicy fromJson(String json) {
    SafetyPolicy p = PolicyJson.read(json);
    PolicyJson.validate(p);
    return p;
  }

  @Override
  public String toJson(SafetyPolicy policy) {
    return PolicyJson.writeEffective(policy);
  }
}
