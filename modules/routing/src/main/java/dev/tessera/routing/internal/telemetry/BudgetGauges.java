package dev.tessera.routing.internal.telemetry;

import dev.tessera.billing.api.Budget;
import dev.tessera.billing.api.Budgets;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Tag;

/**
 * {@code tessera_budget_remaining_microcredits{tenant}}: the least a tenant may still spend under
 * any of its hard budgets in their current windows. For tenants with a label of their own that held
 * credits on this instance; read from billing at most every thirty seconds however often /metrics
 * is scraped. Tenants without a hard budget have no series.
 */
@ApplicationScoped
public class BudgetGauges {
  private static final Logger LOG = Logger.getLogger(BudgetGauges.class.getName());
  private static final long TTL_NANOS = 30_000_000_000L;

  @Inject Budgets budgets;
  @Inject GenAiMetrics metrics;

  private final Set<TenantId> watched = ConcurrentHashMap.newKeySet();
  private volatile Map<TenantId, Long> remaining = Map.of();
  private volatile long readAt;
  // a flag, not readAt = Long.MIN_VALUE: now - MIN_VALUE overflows and looks fresh
  private volatile boolean stale = true;

  /** A tenant held credits here: from now on its budget headroom is on /metrics. */
  void watch(TenantId tenant) {
    if (watched.contains(tenant)) {
      return;
    }
    String label = metrics.tenantLabel(tenant);
    if (label.equals(TenantLabels.OTHER)
        || label.equals(TenantLabels.ALL)
        || !watched.add(tenant)) {
      return; // a shared label cannot say whose budget is left
    }
    stale = true; // the next scrape reads this tenant's budgets too
    metrics.gaugeOnce(
        "budget." + label,
        "tessera_budget_remaining_microcredits",
        () -> {
          Long left = read().get(tenant);
          return left == null ? Double.NaN : (double) left;
        },
        new Tag("tenant", label));
  }

  private Map<TenantId, Long> read() {
    long now = System.nanoTime();
    if (!stale && now - readAt < TTL_NANOS) {
      return remaining;
    }
    synchronized (this) {
      if (!stale && now - readAt < TTL_NANOS) {
        return remaining;
      }
      stale = false;
      Map<TenantId, Long> fresh = new HashMap<>();
      for (TenantId t : watched) {
        try {
          long least = leastRemaining(t);
          if (least != Long.MAX_VALUE) {
            fresh.put(t, least);
          }
        } catch (RuntimeException e) {
          LOG.fine("OBS-0005 budgets of tenant " + t + " not readable for /metrics: " + e);
          Long before = remaining.get(t);
          if (before != null) {
            fresh.put(t, before);
          }
        }
      }
      remaining = fresh;
      readAt = now;
      return fresh;
    }
  }

  private long leastRemaining(TenantId tenant) {
    long least = Long.MAX_VALUE;
    String cursor = null;
    do {
      Page<Budget> page = budgets.list(tenant, PageRequest.of(cursor, PageRequest.MAX_SIZE));
      for (Budget b : page.items()) {
        if (b.enforcement() == Budget.Enforcement.HARD) {
          least = Math.min(least, b.limit() - b.spent() - b.reserved());
        }
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    return least;
  }
}
