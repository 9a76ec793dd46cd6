package dev.tessera.routing.internal.resilience;

import static dev.tessera.routing.internal.resilience.ResilienceFixture.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FallbackConsentTest {
  private final Deployment primary = deployment("openai-t2", "openai", ModelTier.T2);
  private final Deployment sameTier = deployment("anthropic-t2", "anthropic", ModelTier.T2);
  private final Deployment cheaper = deployment("openai-t1", "openai", ModelTier.T1);
  private final Deployment cheapest = deployment("local-t0", "local", ModelTier.T0);
  private final Deployment dearer = deployment("anthropic-t3", "anthropic", ModelTier.T3);
  private final List<Deployment> candidates =
      List.of(primary, dearer, cheaper, sameTier, cheapest, primary);

  private final ResilientCaller caller =
      new ResilientCaller(
          List.of(
              new FakeProvider("openai"), new FakeProvider("anthropic"), new FakeProvider("local")),
          new LocalBreakers(),
          new HealthScores(),
          RetryPolicy.DEFAULT,
          ResilienceFixture.TIMER);

  @Test
  void equivalent_allows_only_the_same_tier() {
    assertThat(caller.plan(candidates, FallbackConsent.EQUIVALENT))
        .containsExactly(primary, sameTier);
  }

  @Test
  void lower_tier_allows_the_same_tier_and_cheaper_ones_in_the_routers_order() {
    assertThat(caller.plan(candidates, FallbackConsent.LOWER_TIER))
        .containsExactly(primary, cheaper, sameTier, cheapest);
  }

  @Test
  void none_keeps_only_the_primary() {
    assertThat(caller.plan(candidates, FallbackConsent.NONE)).containsExactly(primary);
  }

  @Test
  void a_dearer_tier_is_never_a_fallback() {
    for (FallbackConsent consent : FallbackConsent.values()) {
      assertThat(consent.permits(primary, dearer)).as(consent.name()).isFalse();
    }
  }

  @Test
  void a_deployment_without_an_adapter_is_a_configuration_error() {
    var unknown = deployment("x", "mystery", ModelTier.T2);

    assertThatThrownBy(() -> caller.plan(List.of(primary, unknown), FallbackConsent.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mystery");
  }
}
