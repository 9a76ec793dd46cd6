package dev.tessera.routing.internal.resilience;

import static dev.tessera.routing.internal.resilience.ResilienceFixture.FAST_RETRY;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.await;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.deployment;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.failureOf;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.hello;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ProviderException.Kind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streams: invisible retries and fallbacks before the first chunk, none after it. */
class ResilientStreamTest {
  private final FakeProvider openai = new FakeProvider("openai");
  private final FakeProvider anthropic = new FakeProvider("anthropic");
  private final HealthScores health = new HealthScores();
  private final ResilientCaller caller =
      new ResilientCaller(
          List.of(openai, anthropic),
          new LocalBreakers(),
          health,
          FAST_RETRY,
          ResilienceFixture.TIMER);
  private final Deployment primary = deployment("gpt", "openai", ModelTier.T2);
  private final Deployment equivalent = deployment("claude", "anthropic", ModelTier.T2);
  private final CollectingListener listener = new CollectingListener();

  private ResilientCall stream(Deadline deadline, FallbackConsent consent) {
    return caller.stream(
        List.of(primary, equivalent), hello(primary.model()), deadline, consent, listener);
  }

  @Test
  void failures_before_the_first_chunk_are_retried_without_the_listener_noticing() {
    openai.fails(Kind.RATE_LIMITED).streamsThenBreaks().answers("Hello");

    ResilientCall c = stream(seconds(10), FallbackConsent.NONE);

    assertThat(listener.awaitEnd()).isNull();
    assertThat(listener.text()).isEqualTo("Hello");
    assertThat(listener.terminalCalls).hasValue(1);
    Outcome o = await(c);
    assertThat(o.response()).isNull();
    assertThat(o.served()).isEqualTo(primary);
    assertThat(o.attempts()).hasSize(3);
    assertThat(health.scoreOf("gpt").p50TimeToFirstToken()).isPositive();
  }

  @Test
  void failures_before_the_first_chunk_may_fall_back() {
    openai.fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR);

    ResilientCall c = stream(seconds(10), FallbackConsent.EQUIVALENT);

    assertThat(listener.awaitEnd()).isNull();
    assertThat(listener.chunks)
        .singleElement()
        .satisfies(ch -> assertThat(ch.model()).isEqualTo("model-claude"));
    assertThat(await(c).fellBack()).isTrue();
  }

  @Test
  void after_the_first_chunk_a_failure_reaches_the_listener_as_is_and_nothing_is_retried() {
    openai.streamsThenBreaks("Hel", "lo");

    ResilientCall c = stream(seconds(10), FallbackConsent.EQUIVALENT);

    ProviderException e = listener.awaitEnd();
    assertThat(e.kind()).isEqualTo(Kind.STREAM_BROKEN);
    assertThat(e.partialOutput()).isTrue();
    assertThat(e).isNotInstanceOf(CallFailedException.class);
    assertThat(listener.text()).isEqualTo("Hello");
    assertThat(listener.terminalCalls).hasValue(1);
    assertThat(openai.calls).hasValue(1);
    assertThat(anthropic.calls).hasValue(0);
    assertThat(failureOf(c).attempts()).hasSize(1);
  }

  @Test
  void exhausted_attempts_end_the_stream_with_the_last_failure() {
    openai.fails(Kind.SERVER_ERROR).fails(Kind.SERVER_ERROR).fails(Kind.CONNECTION);

    ResilientCall c = stream(seconds(10), FallbackConsent.NONE);

    assertThat(listener.awaitEnd().kind()).isEqualTo(Kind.CONNECTION);
    assertThat(listener.chunks).isEmpty();
    assertThat(failureOf(c).attempts()).hasSize(3);
  }

  @Test
  void a_hanging_stream_ends_with_a_timeout_at_the_deadline() {
    openai.hangs();
    long start = System.nanoTime();

    ResilientCall c = stream(Deadline.after(Duration.ofMillis(300)), FallbackConsent.EQUIVALENT);

    ProviderException e = listener.awaitEnd();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(e.partialOutput()).isFalse();
    assertThat(openai.cancels).hasValue(1);
    assertThat(failureOf(c).kind()).isEqualTo(Kind.TIMEOUT);
  }

  @Test
  void cancel_aborts_the_upstream_stream_and_the_listener_hears_nothing_more()
      throws InterruptedException {
    openai.hangs();

    ResilientCall c = stream(seconds(10), FallbackConsent.EQUIVALENT);
    c.cancel();
    c.cancel();
    Thread.sleep(100);

    assertThat(openai.cancels).hasValue(1);
    assertThat(anthropic.calls).hasValue(0);
    assertThat(listener.terminalCalls).hasValue(0);
    assertThat(c.outcome()).isCancelled();
  }
}
