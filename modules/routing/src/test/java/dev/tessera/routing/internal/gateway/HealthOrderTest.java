package dev.tessera.routing.internal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.internal.resilience.HealthScore;
import dev.tessera.routing.spi.ProviderEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HealthOrderTest {
  static CatalogModel model(String name, String provider, int tier) {
    return new CatalogModel(
        name,
        CatalogModel.Kind.CHAT,
        tier,
        0,
        0,
        1000,
        Set.of(),
        "openai",
        ProviderEndpoint.of("http://" + provider + "/v1", "k"),
        100,
        "us",
        null,
        null);
  }

  static HealthScore score(int calls, int failures) {
    return new HealthScore(
        "x", calls, failures, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  @Test
  void the_healthiest_deployment_of_the_model_serves_first_and_sick_stand_ins_go_last() {
    CatalogModel sickA = model("gpt", "a", 2);
    CatalogModel fineB = model("gpt", "b", 2);
    CatalogModel sickPeer = model("claude", "c", 2);
    CatalogModel finePeer = model("gemini", "d", 2);
    CatalogModel cheaper = model("small", "e", 1);
    Map<CatalogModel, HealthScore> health =
        Map.of(
            sickA,
            score(20, 15),
            fineB,
            score(20, 0),
            sickPeer,
            score(10, 9),
            finePeer,
            score(10, 1));
    List<CatalogModel> ordered =
        HealthOrder.order(List.of(sickA, fineB, sickPeer, finePeer, cheaper), health::get);
    assertThat(ordered).containsExactly(fineB, sickA, finePeer, sickPeer, cheaper);
  }

  @Test
  void too_few_calls_to_judge_keeps_the_routers_order() {
    CatalogModel a = model("gpt", "a", 2);
    CatalogModel b = model("gpt", "b", 2);
    List<CatalogModel> ordered =
        HealthOrder.order(List.of(a, b), m -> m == a ? score(3, 3) : score(0, 0));
    assertThat(ordered).containsExactly(a, b);
  }

  @Test
  void health_never_puts_a_cheaper_tier_before_an_equivalent_one() {
    CatalogModel primary = model("gpt", "a", 2);
    CatalogModel peer = model("claude", "b", 2);
    CatalogModel cheaper = model("small", "c", 1);
    List<CatalogModel> ordered =
        HealthOrder.order(
            List.of(primary, peer, cheaper), m -> m == peer ? score(50, 50) : score(50, 0));
    assertThat(ordered).containsExactly(primary, peer, cheaper);
  }

  static HealthScore slow(int calls, long p95Millis) {
    return new HealthScore(
        "x", calls, 0, Duration.ZERO, Duration.ofMillis(p95Millis), Duration.ZERO, Duration.ZERO);
  }

  @Test
  void a_latency_cap_passes_over_deployments_known_to_be_slower() {
    CatalogModel slowA = model("gpt", "a", 2);
    CatalogModel fastB = model("gpt", "b", 2);
    CatalogModel unjudged = model("claude", "c", 2);
    Map<CatalogModel, HealthScore> health =
        Map.of(slowA, slow(20, 4_000), fastB, slow(20, 300), unjudged, slow(2, 9_000));
    assertThat(HealthOrder.withinLatency(List.of(slowA, fastB, unjudged), health::get, 1_000))
        .containsExactly(fastB, unjudged, slowA);
    assertThat(HealthOrder.withinLatency(List.of(slowA, fastB, unjudged), health::get, null))
        .as("no cap, no change")
        .containsExactly(slowA, fastB, unjudged);
  }

  @Test
  void when_every_deployment_is_over_the_cap_the_fastest_leads() {
    CatalogModel a = model("gpt", "a", 2);
    CatalogModel b = model("gpt", "b", 2);
    Map<CatalogModel, HealthScore> health = Map.of(a, slow(20, 4_000), b, slow(20, 2_000));
    assertThat(HealthOrder.withinLatency(List.of(a, b), health::get, 500)).containsExactly(b, a);
  }
}
