package dev.tessera.routing.internal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.spi.ProviderEndpoint;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Small-first routing's estimate of what a request needs, and each alias's pick from it. */
class DemandAndPickTest {
  static ChatRequest ask(String question) {
    return ChatRequest.builder("auto")
        .message(ChatMessage.system("You help customers."))
        .message(ChatMessage.user(question))
        .build();
  }

  static CatalogModel model(String name, int tier, int contextWindow) {
    return new CatalogModel(
        name,
        CatalogModel.Kind.CHAT,
        tier,
        0,
        0,
        contextWindow,
        Set.of(),
        "openai",
        ProviderEndpoint.of("http://p/v1", "k"),
        100,
        "us",
        null,
        null);
  }

  @Test
  void short_mechanical_tasks_stay_on_the_cheapest_tier() {
    assertThat(Demand.of(ask("Classify this ticket: my card was charged twice")).minimumTier())
        .isZero();
    assertThat(Demand.of(ask("What are your opening hours?")).minimumTier()).isZero();
  }

  @Test
  void reasoning_code_and_long_inputs_escalate() {
    assertThat(Demand.of(ask("Analyze the trade-offs of these two designs")).minimumTier())
        .isEqualTo(2);
    assertThat(Demand.of(ask("Why does this fail?\n```java\nint x = 1/0;\n```")).minimumTier())
        .isEqualTo(2);
    assertThat(Demand.of(ask("Extract the step by step plan from this text")).minimumTier())
        .as("a mechanical task about a hard subject escalates less")
        .isEqualTo(1);
    String longText = "word ".repeat(3_000);
    assertThat(Demand.of(ask("Summarize: " + longText)).minimumTier()).isEqualTo(1);
    assertThat(Demand.of(ask("Summarize: " + "word ".repeat(20_000))).minimumTier()).isEqualTo(2);
  }

  @Test
  void the_answer_asked_for_counts_against_the_context_window() {
    ChatRequest r =
        ChatRequest.builder("auto").message(ChatMessage.user("hi")).maxTokens(1_000).build();
    Demand d = Demand.of(r);
    assertThat(d.outputTokens()).isEqualTo(1_000);
    assertThat(d.fits(model("small", 0, 1_000))).isFalse();
    assertThat(d.fits(model("big", 0, 2_000))).isTrue();
  }

  @Test
  void each_alias_picks_by_its_rule_among_models_ordered_cheapest_first() {
    List<CatalogModel> roomy =
        List.of(model("t0", 0, 8_000), model("t1", 1, 8_000), model("t3", 3, 8_000));
    Demand easy = new Demand(10, 0, 0);
    Demand hard = new Demand(10, 0, 2);
    assertThat(Router.pick("fast", roomy, hard).name()).isEqualTo("t0");
    assertThat(Router.pick("smart", roomy, easy).name()).isEqualTo("t3");
    assertThat(Router.pick("auto", roomy, easy).name()).isEqualTo("t0");
    assertThat(Router.pick("auto", roomy, hard).name())
        .as("the cheapest at or above the needed tier")
        .isEqualTo("t3");
    assertThat(Router.pick("auto", roomy.subList(0, 2), hard).name())
        .as("nothing strong enough: the strongest there is")
        .isEqualTo("t1");
  }
}
