package dev.tessera.routing.internal.resilience;

import static dev.tessera.routing.internal.resilience.ResilienceFixture.FAST_RETRY;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.await;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.deployment;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.failureOf;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.hello;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.ProviderException.Kind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retries, breakers, fallbacks, deadline and cancel of complete calls, over scripted providers. */
class ResilientCallerTest {
  private final FakeProvider openai = new FakeProvider("openai");
  private final FakeProvider anthropic = new FakeProvider("anthropic");
  private final FakeClock clock = new FakeClock();
  private final LocalBreakers breakers = new LocalBreakers(BreakerSettings.DEFAULT, clock);
  private final HealthScores health = new HealthScores(100, Duration.ofSeconds(60), clock);
  private final ResilientCaller caller =
      new ResilientCaller(
          List.of(openai, anthropic), breakers, health, FAST_RETRY, ResilienceFixture.TIMER);

  private final Deployment primary = deployment("gpt", "openai", ModelTier.T2);
  private final Deployment equivalent = deployment("claude", "anthropic", ModelTier.T2);
  private final Deployment cheaper = deployment("claude-small", "anthropic", ModelTier.T1);
  private final List<Deployment> candidates = List.of(primary, equivalent, cheaper);

  private ResilientCall call(FallbackConsent consent) {
    return caller.chat(candidates, hello(primary.model()), seconds(10), consent);
  }

  @Test
  void a_burst_of_5xx_then_success_is_retried_on_the_primary() {
    openai.fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR).answers("hi");

    Outcome o = await(call(FallbackConsent.EQUIVALENT));

    assertThat(o.response().message().text()).isEqualTo("hi");
    assertThat(o.served()).isEqualTo(primary);
    assertThat(o.fellBack()).isFalse();
    assertThat(o.requestedModel()).isEqualTo(primary.model());
    assertThat(o.attempts()).extracting(Attempt::failed).containsExactly(true, true, false);
    assertThat(o.attempts()).extracting(Attempt::number).containsExactly(1, 2, 3);
    assertThat(o.attempts().get(0).failure().kind()).isEqualTo(Kind.SERVER_ERROR);
    assertThat(anthropic.calls).hasValue(0);
    assertThat(breakers.forDeployment("gpt").state()).isEqualTo(CircuitState.CLOSED);
    assertThat(health.scoreOf("gpt").errorRate()).isEqualTo(2 / 3.0);
  }

  @Test
  void a_client_error_is_neither_retried_nor_sent_elsewhere() {
    openai.fails(Kind.CLIENT_ERROR);

    CallFailedException e = failureOf(call(FallbackConsent.LOWER_TIER));

    assertThat(e.kind()).isEqualTo(Kind.CLIENT_ERROR);
    assertThat(e.httpStatus()).isEqualTo(400);
    assertThat(e.attempts()).hasSize(1);
    assertThat(openai.calls).hasValue(1);
    assertThat(anthropic.calls).hasValue(0);
  }

  @Test
  void with_equivalent_consent_a_failing_primary_falls_back_to_the_same_tier() {
    openai.fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR);

    Outcome o = await(call(FallbackConsent.EQUIVALENT));

    assertThat(o.served()).isEqualTo(equivalent);
    assertThat(o.fellBack()).isTrue();
    assertThat(o.requestedModel()).isEqualTo("model-gpt");
    assertThat(o.servedModel()).isEqualTo("model-claude");
    assertThat(anthropic.modelsAsked).containsExactly("model-claude");
    assertThat(o.attempts())
        .extracting(Attempt::deploymentId)
        .containsExactly("gpt", "gpt", "gpt", "claude");
  }

  @Test
  void equivalent_consent_never_reaches_a_cheaper_tier() {
    openai.fails(Kind.TIMEOUT).fails(Kind.TIMEOUT).fails(Kind.TIMEOUT);
    anthropic.fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR);

    CallFailedException e = failureOf(call(FallbackConsent.EQUIVALENT));

    assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
    assertThat(e.attempts()).extracting(Attempt::deploymentId).doesNotContain("claude-small");
    assertThat(anthropic.modelsAsked).containsOnly("model-claude");
  }

  @Test
  void lower_tier_consent_reaches_a_cheaper_tier_when_the_same_tier_fails() {
    openai.fails(Kind.CONNECTION).fails(Kind.CONNECTION).fails(Kind.CONNECTION);
    anthropic.fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR);

    Outcome o = await(call(FallbackConsent.LOWER_TIER));

    assertThat(o.served()).isEqualTo(cheaper);
    assertThat(o.fellBack()).isTrue();
    assertThat(o.attempts()).hasSize(7);
  }

  @Test
  void without_consent_the_primarys_failure_is_the_answer() {
    openai.fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR);

    CallFailedException e = failureOf(call(FallbackConsent.NONE));

    assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
    assertThat(e.attempts()).hasSize(3);
    assertThat(e.requestedModel()).isEqualTo("model-gpt");
    assertThat(anthropic.calls).hasValue(0);
  }

  @Test
  void rejected_credentials_are_not_retried_but_another_deployment_may_serve() {
    openai.fails(Kind.AUTH);

    Outcome o = await(call(FallbackConsent.EQUIVALENT));

    assertThat(openai.calls).hasValue(1);
    assertThat(o.served()).isEqualTo(equivalent);
  }

  @Test
  void an_open_breaker_skips_its_deployment_until_a_probe_recovers_it() {
    openai.fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR);
    await(call(FallbackConsent.EQUIVALENT)); // three failures open gpt's circuit
    assertThat(breakers.forDeployment("gpt").state()).isEqualTo(CircuitState.OPEN);

    Outcome whileOpen = await(call(FallbackConsent.EQUIVALENT));
    assertThat(whileOpen.served()).isEqualTo(equivalent);
    assertThat(whileOpen.attempts()).extracting(Attempt::deploymentId).containsExactly("claude");
    assertThat(openai.calls).hasValue(3);

    CallFailedException refused = failureOf(call(FallbackConsent.NONE));
    assertThat(refused.kind()).isEqualTo(Kind.SERVER_ERROR);
    assertThat(refused.httpStatus()).isEqualTo(503);
    assertThat(refused.attempts()).isEmpty();

    clock.advance(Duration.ofSeconds(30));
    Outcome probe = await(call(FallbackConsent.NONE));
    assertThat(probe.served()).isEqualTo(primary);
    assertThat(openai.calls).hasValue(4);
    assertThat(breakers.forDeployment("gpt").state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void a_failed_probe_is_not_retried_on_the_reopened_deployment() {
    breakers
        .forDeployment("gpt")
        .tryAcquire()
        .orElseThrow()
        .onFailure(openai.failure(Kind.TIMEOUT, null));
    breakers
        .forDeployment("gpt")
        .tryAcquire()
        .orElseThrow()
        .onFailure(openai.failure(Kind.TIMEOUT, null));
    breakers
        .forDeployment("gpt")
        .tryAcquire()
        .orElseThrow()
        .onFailure(openai.failure(Kind.TIMEOUT, null));
    clock.advance(Duration.ofSeconds(30));
    openai.fails(Kind.SERVER_ERROR);

    Outcome o = await(call(FallbackConsent.EQUIVALENT));

    assertThat(openai.calls).hasValue(1);
    assertThat(o.served()).isEqualTo(equivalent);
    assertThat(breakers.forDeployment("gpt").state()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void a_retry_after_longer_than_the_deadline_skips_to_the_fallback_at_once() {
    openai.failsWith(openai.failure(Kind.RATE_LIMITED, Duration.ofSeconds(60)));

    long start = System.nanoTime();
    Outcome o = await(call(FallbackConsent.EQUIVALENT));

    assertThat(o.served()).isEqualTo(equivalent);
    assertThat(openai.calls).hasValue(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void a_hanging_provider_gives_a_timeout_at_the_deadline_and_is_aborted() {
    openai.hangs();

    long start = System.nanoTime();
    CallFailedException e =
        failureOf(
            caller.chat(
                candidates,
                hello(primary.model()),
                Deadline.after(Duration.ofMillis(300)),
                FallbackConsent.EQUIVALENT));

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(took).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
    assertThat(openai.cancels).hasValue(1);
    assertThat(anthropic.calls).hasValue(0);
    assertThat(e.attempts()).singleElement().satisfies(a -> assertThat(a.failed()).isTrue());
    assertThat(health.scoreOf("gpt").failures()).isEqualTo(1);
  }

  @Test
  void cancel_aborts_the_attempt_in_flight_and_nothing_follows() throws InterruptedException {
    openai.hangs();

    ResilientCall c = call(FallbackConsent.LOWER_TIER);
    c.cancel();
    Thread.sleep(100);

    assertThat(c.outcome()).isCancelled();
    assertThat(openai.cancels).hasValue(1);
    assertThat(openai.calls).hasValue(1);
    assertThat(anthropic.calls).hasValue(0);
    // The client left: no verdict on the provider.
    assertThat(health.scoreOf("gpt").calls()).isZero();
  }

  @Test
  void cancelling_the_outcome_future_cancels_the_call() throws InterruptedException {
    openai.hangs();

    ResilientCall c = call(FallbackConsent.EQUIVALENT);
    c.outcome().cancel(true);
    Thread.sleep(100);

    assertThat(openai.cancels).hasValue(1);
    assertThat(anthropic.calls).hasValue(0);
  }

  @Test
  void cancel_during_a_backoff_prevents_the_retry() throws InterruptedException {
    var slowRetry =
        new ResilientCaller(
            List.of(openai, anthropic),
            breakers,
            health,
            new RetryPolicy(3, Duration.ofMillis(300), Duration.ofMillis(300), () -> 0.99),
            ResilienceFixture.TIMER);
    openai.fails(Kind.SERVER_ERROR);

    ResilientCall c =
        slowRetry.chat(candidates, hello(primary.model()), seconds(10), FallbackConsent.NONE);
    c.cancel();
    Thread.sleep(500);

    assertThat(openai.calls).hasValue(1);
    assertThat(c.outcome()).isCancelled();
  }
}
