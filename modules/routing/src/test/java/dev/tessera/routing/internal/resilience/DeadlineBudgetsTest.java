package dev.tessera.routing.internal.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadlineBudgetsTest {
  @Test
  void interactive_requests_get_thirty_seconds_by_default() {
    assertThat(DeadlineBudgets.DEFAULT.budgetFor(DeadlineBudgets.INTERACTIVE))
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(DeadlineBudgets.DEFAULT.startFor("interactive").remaining())
        .isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30));
  }

  @Test
  void each_surface_may_have_its_own_budget_and_unknown_ones_get_the_interactive_one() {
    var budgets =
        new DeadlineBudgets(Duration.ofSeconds(20), Map.of("batch", Duration.ofMinutes(10)));

    assertThat(budgets.budgetFor("batch")).isEqualTo(Duration.ofMinutes(10));
    assertThat(budgets.budgetFor("embeddings")).isEqualTo(Duration.ofSeconds(20));
  }
}
