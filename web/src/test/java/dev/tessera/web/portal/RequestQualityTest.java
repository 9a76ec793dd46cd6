package dev.tessera.web.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.governance.api.DecisionView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RequestQualityTest {
  static DecisionView decision(
      String at, String model, String route, String cache, Integer latency, String outcome) {
    return new DecisionView(
        "req-" + at + model + latency,
        Instant.parse(at),
        null,
        "0".repeat(64),
        null,
        null,
        null,
        List.of(),
        model,
        "ok".equals(outcome) ? model : null,
        route,
        null,
        List.of(),
        0,
        cache,
        null,
        10,
        5,
        0L,
        latency,
        outcome,
        null,
        false);
  }

  @Test
  void percentiles_are_nearest_rank() {
    List<Integer> hundred = IntStream.rangeClosed(1, 100).boxed().toList();
    assertThat(RequestQuality.percentile(hundred, 50)).isEqualTo(50);
    assertThat(RequestQuality.percentile(hundred, 95)).isEqualTo(95);
    assertThat(RequestQuality.percentile(List.of(7), 95)).isEqualTo(7);
    assertThat(RequestQuality.percentile(List.of(1, 2, 3, 4), 50)).isEqualTo(2);
    assertThat(RequestQuality.percentile(List.of(), 50)).isNull();
  }

  @Test
  void decisions_are_grouped_by_day_and_model_with_latency_cache_and_route() {
    List<DecisionView> ds = new ArrayList<>();
    // day 1, model a: latencies 10..200 step 10 (20 answered), 2 cache hits, one of each route
    for (int i = 1; i <= 20; i++) {
      String route = i == 1 ? "challenger" : i == 2 ? "fallback" : i == 3 ? "budget" : "primary";
      String cache = i <= 2 ? (i == 1 ? "hit" : "semantic") : "miss";
      ds.add(decision("2026-12-01T10:00:00Z", "a", route, cache, i * 10, "ok"));
    }
    ds.add(decision("2026-12-01T11:00:00Z", "a", null, null, 5000, "error"));
    ds.add(decision("2026-12-01T23:59:59Z", "b", "primary", "miss", 40, "ok"));
    ds.add(decision("2026-12-02T00:00:00Z", "a", "primary", "miss", 30, "ok"));

    List<RequestQuality> q = RequestQuality.of(ds);

    assertThat(q)
        .extracting(RequestQuality::day, RequestQuality::model)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("2026-12-02", "a"),
            org.assertj.core.groups.Tuple.tuple("2026-12-01", "a"),
            org.assertj.core.groups.Tuple.tuple("2026-12-01", "b"));
    RequestQuality a1 = q.get(1);
    assertThat(a1.requests()).isEqualTo(21);
    assertThat(a1.failed()).isEqualTo(1);
    assertThat(a1.p50Millis()).as("a failed request's latency is not counted").isEqualTo(100);
    assertThat(a1.p95Millis()).isEqualTo(190);
    assertThat(a1.cacheHits()).isEqualTo(2);
    assertThat(a1.cacheHitPercent()).isEqualTo(10);
    assertThat(a1.primary()).isEqualTo(17);
    assertThat(a1.challenger()).isEqualTo(1);
    assertThat(a1.fallback()).isEqualTo(1);
    assertThat(a1.budget()).isEqualTo(1);
    assertThat(q.get(2).p50Millis()).isEqualTo(40);
  }
}
