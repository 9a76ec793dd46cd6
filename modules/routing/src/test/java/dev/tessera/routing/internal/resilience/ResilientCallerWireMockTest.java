package dev.tessera.routing.internal.resilience;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.FAST_RETRY;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.await;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.failureOf;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.hello;
import static dev.tessera.routing.internal.resilience.ResilienceFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ProviderException.Kind;
import dev.tessera.routing.internal.adapters.OpenAiCompatibleAdapter;
import dev.tessera.routing.internal.adapters.ProviderTransport;
import dev.tessera.routing.spi.ProviderEndpoint;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** End to end through the real OpenAI-compatible adapter and HTTP client against mock providers. */
class ResilientCallerWireMockTest {
  @RegisterExtension static WireMockExtension primaryServer = mockProvider();
  @RegisterExtension static WireMockExtension fallbackServer = mockProvider();

  private static final String PATH = "/v1/chat/completions";
  private static final ProviderTransport TRANSPORT =
      new ProviderTransport(ProviderTransport.defaultClient(), ProviderTransport.answersClient());
  private static final String ANSWER =
      """
      {"id":"chatcmpl-1","object":"chat.completion","model":"%s",
       "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},
                   "finish_reason":"stop"}],
       "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}""";

  private final FakeClock clock = new FakeClock();
  private final LocalBreakers breakers = new LocalBreakers(BreakerSettings.DEFAULT, clock);
  private final ResilientCaller caller =
      new ResilientCaller(
          List.of(new OpenAiCompatibleAdapter(TRANSPORT)),
          breakers,
          new HealthScores(),
          FAST_RETRY,
          ResilienceFixture.TIMER);
  private final Deployment primary = deployment("azure-gpt", primaryServer);
  private final Deployment fallback = deployment("openai-gpt", fallbackServer);

  private static WireMockExtension mockProvider() {
    return WireMockExtension.newInstance()
        .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
        .build();
  }

  private static Deployment deployment(String id, WireMockExtension server) {
    return new Deployment(
        id,
        "gpt-4o",
        "openai",
        ModelTier.T2,
        new ProviderEndpoint(
            java.net.URI.create(server.baseUrl() + "/v1"), "key", null, null, id + "-upstream"),
        1);
  }

  private static ResponseDefinitionBuilder answer(String model) {
    return aResponse()
        .withHeader("Content-Type", "application/json")
        .withBody(ANSWER.formatted(model));
  }

  private static ResponseDefinitionBuilder serverError() {
    return aResponse()
        .withStatus(500)
        .withBody("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
  }

  /** Answers {@code responses} in order, the last one for ever after. */
  private static void script(WireMockExtension server, ResponseDefinitionBuilder... responses) {
    for (int i = 0; i < responses.length; i++) {
      String state = i == 0 ? STARTED : "step-" + i;
      var stub = post(urlEqualTo(PATH)).inScenario("script").whenScenarioStateIs(state);
      if (i + 1 < responses.length) {
        stub = stub.willSetStateTo("step-" + (i + 1));
      }
      server.stubFor(stub.willReturn(responses[i]));
    }
  }

  private static int requests(WireMockExtension server) {
    return server.countRequestsMatching(postRequestedFor(urlEqualTo(PATH)).build()).getCount();
  }

  private ResilientCall chat(Deadline deadline, FallbackConsent consent) {
    return caller.chat(List.of(primary, fallback), hello("gpt-4o"), deadline, consent);
  }

  @Test
  void a_500_burst_then_success_is_served_by_the_primary_after_retries() {
    script(primaryServer, serverError(), serverError(), answer("azure-gpt-upstream"));

    Outcome o = await(chat(seconds(10), FallbackConsent.EQUIVALENT));

    assertThat(o.response().message().text()).isEqualTo("Hello!");
    assertThat(o.response().model()).isEqualTo("azure-gpt-upstream");
    assertThat(o.served()).isEqualTo(primary);
    assertThat(o.attempts()).hasSize(3);
    assertThat(requests(primaryServer)).isEqualTo(3);
    assertThat(requests(fallbackServer)).isZero();
  }

  @Test
  void a_429_retry_after_is_waited_out_before_the_retry() {
    script(
        primaryServer,
        aResponse()
            .withStatus(429)
            .withHeader("retry-after", "1")
            .withBody("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}"),
        answer("azure-gpt-upstream"));
    long start = System.nanoTime();

    Outcome o = await(chat(seconds(10), FallbackConsent.NONE));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(900));
    assertThat(o.attempts().get(0).failure().kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(requests(primaryServer)).isEqualTo(2);
  }

  @Test
  void with_consent_a_failing_primary_is_replaced_and_without_it_is_not() {
    script(primaryServer, serverError());
    script(fallbackServer, answer("openai-gpt-upstream"));

    CallFailedException refused = failureOf(chat(seconds(10), FallbackConsent.NONE));
    assertThat(refused.kind()).isEqualTo(Kind.SERVER_ERROR);
    assertThat(requests(fallbackServer)).isZero();

    Outcome o = await(chat(seconds(10), FallbackConsent.EQUIVALENT));
    assertThat(o.fellBack()).isTrue();
    assertThat(o.requestedModel()).isEqualTo("gpt-4o");
    assertThat(o.served()).isEqualTo(fallback);
    assertThat(o.response().model()).isEqualTo("openai-gpt-upstream");
    assertThat(requests(fallbackServer)).isEqualTo(1);
  }

  @Test
  void the_breaker_opens_after_three_failures_rejects_then_recovers_through_one_probe() {
    script(primaryServer, serverError(), serverError(), serverError(), answer("up-again"));

    failureOf(chat(seconds(10), FallbackConsent.NONE));
    assertThat(breakers.forDeployment("azure-gpt").state()).isEqualTo(CircuitState.OPEN);
    assertThat(requests(primaryServer)).isEqualTo(3);

    CallFailedException rejected = failureOf(chat(seconds(10), FallbackConsent.NONE));
    assertThat(rejected.attempts()).isEmpty();
    assertThat(requests(primaryServer)).isEqualTo(3);

    clock.advance(Duration.ofSeconds(31));
    Outcome probe = await(chat(seconds(10), FallbackConsent.NONE));
    assertThat(probe.response().model()).isEqualTo("up-again");
    assertThat(requests(primaryServer)).isEqualTo(4);
    assertThat(breakers.forDeployment("azure-gpt").state()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void a_stream_cut_midway_reaches_the_listener_and_no_second_request_is_made() {
    primaryServer.stubFor(
        post(urlEqualTo(PATH))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(
                        "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,"
                            + "\"delta\":{\"content\":\"Hal\"}}]}\n\n")));
    var listener = new CollectingListener();

    ResilientCall c =
        caller.stream(
            List.of(primary, fallback),
            hello("gpt-4o"),
            seconds(10),
            FallbackConsent.EQUIVALENT,
            listener);

    ProviderException e = listener.awaitEnd();
    assertThat(e.kind()).isEqualTo(Kind.STREAM_BROKEN);
    assertThat(e.partialOutput()).isTrue();
    assertThat(listener.text()).isEqualTo("Hal");
    assertThat(failureOf(c).attempts()).hasSize(1);
    assertThat(requests(primaryServer)).isEqualTo(1);
    assertThat(requests(fallbackServer)).isZero();
  }

  @Test
  void a_hanging_provider_returns_a_timeout_within_the_deadline() {
    primaryServer.stubFor(post(urlEqualTo(PATH)).willReturn(answer("late").withFixedDelay(5000)));
    long start = System.nanoTime();

    CallFailedException e =
        failureOf(chat(Deadline.after(Duration.ofMillis(500)), FallbackConsent.EQUIVALENT));

    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3000));
    assertThat(requests(fallbackServer)).isZero();
  }

  @Test
  void cancel_stops_the_upstream_call_and_no_retry_follows() throws InterruptedException {
    primaryServer.stubFor(post(urlEqualTo(PATH)).willReturn(answer("late").withFixedDelay(1500)));

    ResilientCall c = chat(seconds(10), FallbackConsent.EQUIVALENT);
    while (requests(primaryServer) == 0) {
      Thread.sleep(10);
    }
    c.cancel();
    Thread.sleep(1800);

    assertThat(c.outcome()).isCancelled();
    assertThat(requests(primaryServer)).isEqualTo(1);
    assertThat(requests(fallbackServer)).isZero();
    assertThat(breakers.forDeployment("azure-gpt").state()).isEqualTo(CircuitState.CLOSED);
  }
}
