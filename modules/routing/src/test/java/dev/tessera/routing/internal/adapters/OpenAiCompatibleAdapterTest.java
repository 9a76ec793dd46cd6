package dev.tessera.routing.internal.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.tessera.routing.internal.adapters.ProviderFixture.ANSWER_SCHEMA;
import static dev.tessera.routing.internal.adapters.ProviderFixture.await;
import static dev.tessera.routing.internal.adapters.ProviderFixture.hello;
import static dev.tessera.routing.internal.adapters.ProviderFixture.receivedBody;
import static dev.tessera.routing.internal.adapters.ProviderFixture.seconds;
import static dev.tessera.routing.internal.adapters.ProviderFixture.sse;
import static dev.tessera.routing.internal.adapters.ProviderFixture.toolRoundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResponse;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.ResponseFormat;
import dev.tessera.routing.api.ToolCall;
import dev.tessera.routing.api.ToolChoice;
import dev.tessera.routing.api.Usage;
import dev.tessera.routing.spi.ProviderEndpoint;
import jakarta.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenAiCompatibleAdapterTest {
  @RegisterExtension static WireMockExtension wm = ProviderFixture.mockProvider();

  private final OpenAiCompatibleAdapter adapter =
      new OpenAiCompatibleAdapter(ProviderFixture.TRANSPORT);

  private ProviderEndpoint endpoint() {
    return ProviderEndpoint.of(wm.baseUrl() + "/v1", "sk-test");
  }

  @Test
  void translates_tools_tool_results_and_sampling_into_the_openai_body() {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(WEATHER_ANSWER)));
    var request =
        toolRoundTrip("gpt-4o-mini")
            .toolChoice(ToolChoice.function("get_weather"))
            .temperature(0.2)
            .topP(0.9)
            .maxTokens(100)
            .stop(List.of("END"))
            .seed(7L)
            .user("u-1")
            .n(1)
            .build();

    await(adapter.chat(endpoint(), request, seconds(5)));

    wm.verify(
        postRequestedFor(urlEqualTo("/v1/chat/completions"))
            .withHeader("Authorization", equalTo("Bearer sk-test")));
    JsonObject body = receivedBody(wm);
    assertThat(body.getString("model")).isEqualTo("gpt-4o-mini");
    assertThat(body.containsKey("stream")).isFalse();
    var messages = body.getJsonArray("messages");
    assertThat(messages.getJsonObject(0).getString("content")).isEqualTo("Weather in Paris?");
    JsonObject call = messages.getJsonObject(1).getJsonArray("tool_calls").getJsonObject(0);
    assertThat(call.getString("id")).isEqualTo("call_1");
    assertThat(call.getJsonObject("function").getString("arguments"))
        .isEqualTo("{\"city\":\"Paris\"}");
    assertThat(messages.getJsonObject(2).getString("role")).isEqualTo("tool");
    assertThat(messages.getJsonObject(2).getString("tool_call_id")).isEqualTo("call_1");
    JsonObject tool = body.getJsonArray("tools").getJsonObject(0);
    assertThat(tool.getString("type")).isEqualTo("function");
    assertThat(tool.getJsonObject("function").getJsonObject("parameters").getString("type"))
        .isEqualTo("object");
    assertThat(body.getJsonObject("tool_choice").getJsonObject("function").getString("name"))
        .isEqualTo("get_weather");
    assertThat(body.getJsonNumber("temperature").doubleValue()).isEqualTo(0.2);
    assertThat(body.getJsonNumber("top_p").doubleValue()).isEqualTo(0.9);
    assertThat(body.getInt("max_tokens")).isEqualTo(100);
    assertThat(body.getJsonArray("stop").getString(0)).isEqualTo("END");
    assertThat(body.getInt("seed")).isEqualTo(7);
    assertThat(body.getString("user")).isEqualTo("u-1");
  }

  @Test
  void sends_a_json_schema_response_format() {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(WEATHER_ANSWER)));
    var request =
        hello("gpt-4o")
            .responseFormat(ResponseFormat.jsonSchema("answer", ANSWER_SCHEMA, true))
            .build();

    await(adapter.chat(endpoint(), request, seconds(5)));

    JsonObject format = receivedBody(wm).getJsonObject("response_format");
    assertThat(format.getString("type")).isEqualTo("json_schema");
    JsonObject schema = format.getJsonObject("json_schema");
    assertThat(schema.getString("name")).isEqualTo("answer");
    assertThat(schema.getBoolean("strict")).isTrue();
    assertThat(schema.getJsonObject("schema")).isEqualTo(ANSWER_SCHEMA);
  }

  @Test
  void reads_answer_tool_calls_and_usage_with_cached_tokens() {
    wm.stubFor(post("/v1/chat/completions").willReturn(okJson(TOOL_CALL_ANSWER)));

    ChatResponse r = await(adapter.chat(endpoint(), hello("gpt-4o").build(), seconds(5)));

    assertThat(r.id()).isEqualTo("chatcmpl-2");
    assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.message().toolCalls())
        .containsExactly(new ToolCall("call_9", "get_weather", "{\"city\":\"Oslo\"}"));
    assertThat(r.usage()).isEqualTo(new Usage(120, 15, 100));
    assertThat(r.usage().totalTokens()).isEqualTo(135);
  }

  @Test
  void uses_the_upstream_model_azure_headers_and_query_parameters() {
    wm.stubFor(
        post(urlPathEqualTo("/openai/deployments/prod-4o/chat/completions"))
            .willReturn(okJson(WEATHER_ANSWER)));
    var azure =
        new ProviderEndpoint(
            URI.create(wm.baseUrl() + "/openai/deployments/prod-4o/"),
            null,
            Map.of("api-key", "az-key"),
            Map.of("api-version", "2024-10-21"),
            "gpt-4o-2024-08");

    ChatResponse r = await(adapter.chat(azure, hello("gpt-4o").build(), seconds(5)));

    assertThat(r.message().text()).isEqualTo("Sunny, 21 °C.");
    wm.verify(
        postRequestedFor(
                urlEqualTo("/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21"))
            .withHeader("api-key", equalTo("az-key"))
            .withHeader("Authorization", absent()));
    assertThat(receivedBody(wm).getString("model")).isEqualTo("gpt-4o-2024-08");
  }

  @Test
  void relays_stream_chunks_in_order_as_they_arrive() {
    String body =
        sse(
            chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
            chunk("{\"content\":\"Hel\"}", null),
            chunk("{\"content\":\"lo \"}", null),
            chunk("{\"content\":\"there\"}", null),
            chunk("{}", "\"stop\""),
            "[DONE]");
    // Dribbled over ~1.5 s in 10 pieces that cut lines apart.
    wm.stubFor(
        post("/v1/chat/completions")
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(body)
                    .withChunkedDribbleDelay(10, 1500)));
    var listener = new RecordingListener();
    long start = System.nanoTime();

    var stream =
        adapter.chatStream(
            endpoint(), hello("gpt-4o").stream(true, false).build(), seconds(10), listener);

    assertThat(listener.awaitEnd()).isNull();
    long ended = System.nanoTime();
    assertThat(stream.done()).succeedsWithin(Duration.ofSeconds(2));
    assertThat(listener.text()).isEqualTo("Hello there");
    assertThat(listener.finishReasons()).containsExactly(FinishReason.STOP);
    assertThat(listener.terminalCalls).hasValue(1);
    // The first chunk reached us well before the upstream finished sending.
    assertThat(Duration.ofNanos(ended - listener.firstChunkNanos))
        .isGreaterThan(Duration.ofMillis(500));
    assertThat(Duration.ofNanos(ended - start)).isGreaterThan(Duration.ofMillis(1000));
    assertThat(receivedBody(wm).getBoolean("stream")).isTrue();
  }

  @Test
  void streams_tool_call_deltas_and_the_final_usage_chunk() {
    String body =
        sse(
            chunk(
                "{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,\"id\":\"call_7\","
                    + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}",
                null),
            chunk(
                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\"\"}}]}",
                null),
            chunk(
                "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\":\\\"Rome\\\"}\"}}]}",
                null),
            chunk("{}", "\"tool_calls\""),
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":9,\"total_tokens\":59}}",
            "[DONE]");
    wm.stubFor(
        post("/v1/chat/completions")
            .willReturn(
                aResponse().withHeader("Content-Type", "text/event-stream").withBody(body)));
    var listener = new RecordingListener();

    adapter.chatStream(
        endpoint(),
        hello("gpt-4o").tool(ProviderFixture.WEATHER_TOOL).stream(true, true).build(),
        seconds(10),
        listener);

    assertThat(listener.awaitEnd()).isNull();
    assertThat(listener.toolDeltas().get(0).id()).isEqualTo("call_7");
    assertThat(listener.toolDeltas().get(0).name()).isEqualTo("get_weather");
    assertThat(listener.toolArguments()).containsExactly(Map.entry(0, "{\"city\":\"Rome\"}"));
    assertThat(listener.finishReasons()).containsExactly(FinishReason.TOOL_CALLS);
    assertThat(listener.usage()).isEqualTo(new Usage(50, 9, 0));
    assertThat(receivedBody(wm).getJsonObject("stream_options").getBoolean("include_usage"))
        .isTrue();
  }

  @Test
  void embeds_inputs_in_input_order() {
    wm.stubFor(
        post("/v1/embeddings")
            .willReturn(
                okJson(
                    """
        {"object":"list","model":"text-embedding-3-small",
         "data":[{"object":"embedding","index":1,"embedding":[0.5,-0.25]},
                 {"object":"embedding","index":0,"embedding":[0.125,1.0]}],
         "usage":{"prompt_tokens":6,"total_tokens":6}}""")));

    EmbeddingResponse r =
        await(
            adapter.embed(
                endpoint(),
                new EmbeddingRequest("text-embedding-3-small", List.of("a", "b"), 2, null),
                seconds(5)));

    assertThat(r.data()).hasSize(2);
    assertThat(r.data().get(0).vector()).containsExactly(0.125f, 1.0f);
    assertThat(r.data().get(1).vector()).containsExactly(0.5f, -0.25f);
    assertThat(r.usage().promptTokens()).isEqualTo(6);
    JsonObject body = receivedBody(wm);
    assertThat(body.getJsonArray("input")).hasSize(2);
    assertThat(body.getInt("dimensions")).isEqualTo(2);
  }

  private static String chunk(String delta, String finishReason) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\","
        + "\"choices\":[{\"index\":0,\"delta\":"
        + delta
        + ",\"finish_reason\":"
        + finishReason
        + "}]}";
  }

  static final String WEATHER_ANSWER =
      """
      {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o",
       "choices":[{"index":0,"message":{"role":"assistant","content":"Sunny, 21 °C."},
                   "finish_reason":"stop"}],
       "usage":{"prompt_tokens":20,"completion_tokens":5,"total_tokens":25}}""";

  static final String TOOL_CALL_ANSWER =
      """
      {"id":"chatcmpl-2","object":"chat.completion","created":1,"model":"gpt-4o",
       "choices":[{"index":0,"message":{"role":"assistant","content":null,
          "tool_calls":[{"id":"call_9","type":"function",
             "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},
          "finish_reason":"tool_calls"}],
       "usage":{"prompt_tokens":120,"completion_tokens":15,"total_tokens":135,
                "prompt_tokens_details":{"cached_tokens":100}}}""";
}
