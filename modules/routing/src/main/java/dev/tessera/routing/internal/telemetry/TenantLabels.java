package dev.tessera.routing.internal.telemetry;

import dev.tessera.tenancy.api.TenantId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The {@code tenant} label of per-tenant series, bounded: the first {@code max} tenants seen by
 * this instance are labelled by id, every later one as {@code other}; {@code max} 0 labels every
 * tenant {@code all} (TESSERA_METRICS_TENANT_LABELS).
 */
public final class TenantLabels {
  /** The label of tenants past the bound. */
  public static final String OTHER = "other";

  /** The label when tenant labels are off. */
  public static final String ALL = "all";

  private final int max;
  private final ConcurrentMap<TenantId, String> labels = new ConcurrentHashMap<>();

  public TenantLabels(int max) {
    this.max = Math.max(0, max);
  }

  public String of(TenantId tenant) {
    if (max == 0 || tenant == null) {
      return ALL;
    }
    String known = labels.get(tenant);
    if (known != null) {
      return known;
    }
    if (labels.size() >= max) {
      return OTHER;
    }
    return labels.computeIfAbsent(tenant, t -> labels.size() >= max ? OTHER : t.toString());
  }
}
