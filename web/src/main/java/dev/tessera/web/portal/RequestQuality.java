package dev.tessera.web.portal;

import dev.tessera.governance.api.DecisionView;
import java.io.Serializable;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Latency, cache and router figures of one model on one day (UTC), from the decision log: p50 and
 * p95 of the answered requests' latency (nearest rank), the share answered from a cache (exact or
 * semantic), and how the router chose (primary, challenger, fallback, budget).
 */
public record RequestQuality(
    String day,
    String model,
    long requests,
    long failed,
    Integer p50Millis,
    Integer p95Millis,
    long cacheHits,
    long primary,
    long challenger,
    long fallback,
    long budget)
    implements Serializable {

  /** Cache hits as a whole percentage of the answered requests (0 when none). */
  public long cacheHitPercent() {
    long answered = requests - failed;
    return answered <= 0 ? 0 : Math.round(100.0 * cacheHits / answered);
  }

  /** Groups decisions by day and model (served, else requested), newest day first. */
  static List<RequestQuality> of(List<DecisionView> decisions) {
    Map<String, Group> groups = new TreeMap<>();
    for (DecisionView d : decisions) {
      String day = d.createdAt().atOffset(ZoneOffset.UTC).toLocalDate().toString();
      String model = d.modelServed() != null ? d.modelServed() : d.modelRequested();
      groups.computeIfAbsent(day + "\u0000" + model, k -> new Group(day, model)).add(d);
    }
    return groups.values().stream()
        .map(Group::quality)
        .sorted(
            Comparator.comparing(RequestQuality::day)
                .reversed()
                .thenComparing(
                    RequestQuality::model, Comparator.nullsLast(Comparator.naturalOrder())))
        .toList();
  }

  /** The nearest-rank percentile of sorted values (null when there are none). */
  static Integer percentile(List<Integer> sorted, int p) {
    if (sorted.isEmpty()) {
      return null;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static final class Group {
    final String day;
    final String model;
    final List<Integer> latencies = new ArrayList<>();
    long requests;
    long failed;
    long cacheHits;
    long primary;
    long challenger;
    long fallback;
    long budget;

    Group(String day, String model) {
      this.day = day;
      this.model = model;
    }

    void add(DecisionView d) {
      requests++;
      if (!"ok".equals(d.outcome())) {
        failed++;
        return;
      }
      if (d.latencyMillis() != null) {
        latencies.add(d.latencyMillis());
      }
      if ("hit".equals(d.cache()) || "semantic".equals(d.cache())) {
        cacheHits++;
      }
      String route = d.route() == null ? "" : d.route();
      switch (route) {
        case "challenger" -> challenger++;
        case "fallback" -> fallback++;
        case "budget" -> budget++;
        default -> primary++;
      }
    }

    RequestQuality quality() {
      latencies.sort(null);
      return new RequestQuality(
          day,
          model,
          requests,
          failed,
          percentile(latencies, 50),
          percentile(latencies, 95),
          cacheHits,
          primary,
          challenger,
          fallback,
          budget);
    }
  }
}
