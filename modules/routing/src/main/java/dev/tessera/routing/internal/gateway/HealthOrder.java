package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.internal.resilience.HealthScore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Lets live health steer the plan: among the primary model's own deployments the healthiest serves
 * first (a deployment failing most of its recent calls is tried last), and stand-ins of the same
 * tier are tried healthiest first. Tier order, and so cost, is never changed by health.
 */
final class HealthOrder {
  /** Below this many recent calls a deployment counts as healthy: too little to judge. */
  static final int MIN_CALLS = 5;

  private HealthOrder() {}

  static List<CatalogModel> order(
      List<CatalogModel> candidates, Function<CatalogModel, HealthScore> health) {
    if (candidates.size() < 2) {
      return candidates;
    }
    String primaryName = candidates.get(0).name();
    Comparator<CatalogModel> sickestLast =
        Comparator.comparingDouble(m -> errorRate(health.apply(m)));
    List<CatalogModel> own = new ArrayList<>();
    List<CatalogModel> others = new ArrayList<>();
    for (CatalogModel c : candidates) {
      (c.name().equals(primaryName) ? own : others).add(c);
    }
    // stable sorts: equally healthy deployments keep the router's (weighted) order
    own.sort(sickestLast);
    others.sort(Comparator.comparingInt(CatalogModel::tier).reversed().thenComparing(sickestLast));
    List<CatalogModel> out = new ArrayList<>(own);
    out.addAll(others);
    return out;
  }

  /**
   * A tenant's latency cap: deployments whose recent p95 latency is known to exceed {@code capMs}
   * move behind those within it (or not yet judged), so they serve only when nothing else can. When
   * every deployment is over the cap, the fastest leads.
   */
  static List<CatalogModel> withinLatency(
      List<CatalogModel> candidates, Function<CatalogModel, HealthScore> health, Integer capMs) {
    if (capMs == null || candidates.size() < 2) {
      return candidates;
    }
    List<CatalogModel> within = new ArrayList<>();
    List<CatalogModel> over = new ArrayList<>();
    for (CatalogModel c : candidates) {
      (p95Millis(health.apply(c)) > capMs ? over : within).add(c);
    }
    if (within.isEmpty()) {
      over.sort(Comparator.comparingLong(m -> p95Millis(health.apply(m))));
      return over;
    }
    within.addAll(over);
    return within;
  }

  private static long p95Millis(HealthScore s) {
    return s == null || s.calls() < MIN_CALLS || s.p95Latency() == null
        ? 0
        : s.p95Latency().toMillis();
  }

  private static double errorRate(HealthScore s) {
    return s == null || s.calls() < MIN_CALLS ? 0.0 : s.errorRate();
  }
}
