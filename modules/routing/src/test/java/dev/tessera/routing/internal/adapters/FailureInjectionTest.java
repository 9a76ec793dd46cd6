package dev.tessera.routing.internal.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.tessera.routing.internal.adapters.ProviderFixture.failureOf;
import static dev.tessera.routing.internal.adapters.ProviderFixture.hello;
import static dev.tessera.routing.internal.adapters.ProviderFixture.namedSse;
import static dev.tessera.routing.internal.adapters.ProviderFixture.seconds;
import static dev.tessera.routing.internal.adapters.ProviderFixture.sse;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ProviderException.Kind;
import dev.tessera.routing.spi.ProviderAdapter;
import dev.tessera.routing.spi.ProviderEndpoint;
import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The same failures injected behind each adapter, in each provider's own error format. */
class FailureInjectionTest {
  @RegisterExtension static WireMockExtension wm = ProviderFixture.mockProvider();

  /** One provider under test: its adapter, paths, and how it words errors and streams. */
  record Provider(
      String name,
      Function<ProviderTransport, ProviderAdapter> adapter,
      String basePath,
      String chatPath,
      String streamPath,
      Function<String, String> errorBody,
      String partialStream) {
    ProviderAdapter create() {
      return adapter.apply(ProviderFixture.TRANSPORT);
    }

    ProviderEndpoint endpoint() {
      return ProviderEndpoint.of(wm.baseUrl() + basePath, "key");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Provider> providers() {
    return Stream.of(
        new Provider(
            "openai",
            OpenAiCompatibleAdapter::new,
            "/v1",
            "/v1/chat/completions",
            "/v1/chat/completions",
            type -> "{\"error\":{\"message\":\"boom\",\"type\":\"" + type + "\",\"code\":null}}",
            sse("{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hal\"}}]}")),
        new Provider(
            "anthropic",
            AnthropicAdapter::new,
            "",
            "/v1/messages",
            "/v1/messages",
            type ->
                "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"boom\"}}",
            namedSse(
                "message_start",
                "{\"type\":\"message_start\",\"message\":{\"id\":\"m\","
                    + "\"model\":\"c\",\"usage\":{\"input_tokens\":1}}}",
                "content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hal\"}}")),
        new Provider(
            "gemini",
            GeminiAdapter::new,
            "",
            "/v1beta/models/m:generateContent",
            "/v1beta/models/m:streamGenerateContent?alt=sse",
            type -> "{\"error\":{\"code\":500,\"message\":\"boom\",\"status\":\"" + type + "\"}}",
            sse("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hal\"}]},\"index\":0}]}")));
  }

  private void stub(String path, ResponseDefinitionBuilder response) {
    wm.stubFor(post(urlEqualTo(path)).willReturn(response));
  }

  private static ProviderException chatFailure(Provider p, Deadline deadline) {
    return failureOf(p.create().chat(p.endpoint(), hello("m").build(), deadline));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void a_5xx_is_a_retryable_server_error_carrying_the_provider_error_type(Provider p) {
    stub(
        p.chatPath(),
        aResponse()
            .withStatus(500)
            .withHeader("Content-Type", "application/json")
            .withBody(p.errorBody().apply("internal_thing")));

    ProviderException e = chatFailure(p, seconds(5));

    assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
    assertThat(e.httpStatus()).isEqualTo(500);
    assertThat(e.retryable()).isTrue();
    assertThat(e.provider()).isEqualTo(p.name());
    assertThat(e.getMessage()).contains("internal_thing").contains("boom");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void a_429_is_rate_limited_with_the_retry_after_header_parsed(Provider p) {
    stub(
        p.chatPath(),
        aResponse()
            .withStatus(429)
            .withHeader("retry-after", "7")
            .withBody(p.errorBody().apply("rate_limit_error")));

    ProviderException e = chatFailure(p, seconds(5));

    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(e.retryable()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void a_400_is_a_client_error_and_a_401_an_auth_error_neither_retryable(Provider p) {
    stub(
        p.chatPath(),
        aResponse().withStatus(400).withBody(p.errorBody().apply("invalid_request_error")));
    ProviderException bad = chatFailure(p, seconds(5));
    stub(
        p.chatPath(),
        aResponse().withStatus(401).withBody(p.errorBody().apply("authentication_error")));
    ProviderException auth = chatFailure(p, seconds(5));

    assertThat(bad.kind()).isEqualTo(Kind.CLIENT_ERROR);
    assertThat(bad.retryable()).isFalse();
    assertThat(auth.kind()).isEqualTo(Kind.AUTH);
    assertThat(auth.retryable()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void a_hanging_provider_times_out_at_the_deadline(Provider p) {
    stub(p.chatPath(), aResponse().withFixedDelay(3000).withBody("{}"));
    long start = System.nanoTime();

    ProviderException e = chatFailure(p, Deadline.after(Duration.ofMillis(400)));

    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(took).isBetween(Duration.ofMillis(350), Duration.ofMillis(2500));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void a_200_with_malformed_json_is_a_malformed_response(Provider p) {
    stub(
        p.chatPath(),
        aResponse()
            .withStatus(200)
            .withHeader("Content-Type", "application/json")
            .withBody("{\"id\": \"x\", \"choi"));

    assertThat(chatFailure(p, seconds(5)).kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void a_connection_reset_is_a_retryable_connection_failure(Provider p) {
    stub(p.chatPath(), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

    ProviderException e = chatFailure(p, seconds(5));

    assertThat(e.kind()).isEqualTo(Kind.CONNECTION);
    assertThat(e.retryable()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void random_bytes_instead_of_http_fail_as_retryable(Provider p) {
    stub(p.chatPath(), aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));

    ProviderException e = chatFailure(p, seconds(5));

    assertThat(e.kind()).isIn(Kind.MALFORMED_RESPONSE, Kind.CONNECTION);
    assertThat(e.retryable()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void a_stream_cut_before_its_end_marker_is_broken_after_partial_output(Provider p) {
    stub(
        p.streamPath(),
        aResponse().withHeader("Content-Type", "text/event-stream").withBody(p.partialStream()));
    var listener = new RecordingListener();

    var stream = p.create().chatStream(p.endpoint(), hello("m").build(), seconds(5), listener);

    ProviderException e = listener.awaitEnd();
    assertThat(e.kind()).isEqualTo(Kind.STREAM_BROKEN);
    assertThat(e.partialOutput()).isTrue();
    assertThat(e.retryable()).isFalse(); // the caller already has part of the answer
    assertThat(listener.text()).isEqualTo("Hal");
    assertThat(listener.terminalCalls).hasValue(1);
    assertThat(stream.done()).failsWithin(Duration.ofSeconds(2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void a_stream_refused_up_front_fails_before_any_output(Provider p) {
    stub(
        p.streamPath(),
        aResponse()
            .withStatus(429)
            .withHeader("retry-after", "3")
            .withBody(p.errorBody().apply("rate_limit_error")));
    var listener = new RecordingListener();

    p.create().chatStream(p.endpoint(), hello("m").build(), seconds(5), listener);

    ProviderException e = listener.awaitEnd();
    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(e.partialOutput()).isFalse();
    assertThat(e.retryable()).isTrue();
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(listener.chunks).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void a_stream_still_running_at_the_deadline_times_out_and_says_output_was_relayed(Provider p) {
    stub(
        p.streamPath(),
        aResponse()
            .withHeader("Content-Type", "text/event-stream")
            .withBody(p.partialStream() + p.partialStream() + p.partialStream())
            .withChunkedDribbleDelay(3, 3000));
    var listener = new RecordingListener();
    long start = System.nanoTime();

    p.create()
        .chatStream(
            p.endpoint(), hello("m").build(), Deadline.after(Duration.ofMillis(1500)), listener);

    ProviderException e = listener.awaitEnd();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(e.partialOutput()).isTrue();
    assertThat(took).isBetween(Duration.ofMillis(1400), Duration.ofMillis(2900));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("providers")
  void cancelling_a_stream_stops_delivery_without_a_terminal_callback(Provider p)
      throws InterruptedException {
    stub(
        p.streamPath(),
        aResponse()
            .withHeader("Content-Type", "text/event-stream")
            .withBody(p.partialStream() + p.partialStream() + p.partialStream())
            .withChunkedDribbleDelay(3, 2000));
    var listener = new RecordingListener();

    var stream = p.create().chatStream(p.endpoint(), hello("m").build(), seconds(10), listener);
    while (listener.chunks.isEmpty()) {
      Thread.sleep(10);
    }
    stream.cancel();
    int delivered = listener.chunks.size();
    Thread.sleep(1200);

    assertThat(stream.done()).isCancelled();
    assertThat(listener.chunks).hasSize(delivered);
    assertThat(listener.terminalCalls).hasValue(0);
  }

  @Test
  void gemini_retry_info_in_the_error_body_gives_the_retry_delay() {
    stub(
        "/v1beta/models/m:generateContent",
        aResponse()
            .withStatus(429)
            .withBody(
                """
        {"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED",
          "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"12s"}]}}"""));
    Provider gemini = providers().filter(p -> p.name().equals("gemini")).findFirst().orElseThrow();

    ProviderException e = chatFailure(gemini, seconds(5));

    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(12));
  }

  @Test
  void anthropic_529_overloaded_is_a_server_error() {
    stub(
        "/v1/messages",
        aResponse()
            .withStatus(529)
            .withBody(
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
    Provider anthropic =
        providers().filter(p -> p.name().equals("anthropic")).findFirst().orElseThrow();

    assertThat(chatFailure(anthropic, seconds(5)).kind()).isEqualTo(Kind.SERVER_ERROR);
  }

  @Test
  void an_already_expired_deadline_fails_without_calling_the_provider() {
    Provider openai = providers().findFirst().orElseThrow();

    ProviderException e = chatFailure(openai, Deadline.after(Duration.ZERO));

    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(wm.getAllServeEvents()).isEmpty();
  }
}
