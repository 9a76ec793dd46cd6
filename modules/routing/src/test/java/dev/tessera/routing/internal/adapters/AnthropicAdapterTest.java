package dev.tessera.routing.internal.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.tessera.routing.internal.adapters.ProviderFixture.ANSWER_SCHEMA;
import static dev.tessera.routing.internal.adapters.ProviderFixture.await;
import static dev.tessera.routing.internal.adapters.ProviderFixture.hello;
import static dev.tessera.routing.internal.adapters.ProviderFixture.namedSse;
import static dev.tessera.routing.internal.adapters.ProviderFixture.receivedBody;
import static dev.tessera.routing.internal.adapters.ProviderFixture.seconds;
import static dev.tessera.routing.internal.adapters.ProviderFixture.toolRoundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ResponseFormat;
import dev.tessera.routing.api.ToolCall;
import dev.tessera.routing.api.ToolChoice;
import dev.tessera.routing.api.Usage;
import dev.tessera.routing.spi.ProviderEndpoint;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AnthropicAdapterTest {
  @RegisterExtension static WireMockExtension wm = ProviderFixture.mockProvider();

  private final AnthropicAdapter adapter = new AnthropicAdapter(ProviderFixture.TRANSPORT);

  private ProviderEndpoint endpoint() {
    return ProviderEndpoint.of(wm.baseUrl(), "ak-test");
  }

  @Test
  void separates_the_system_prompt_and_sends_tool_use_and_tool_result_blocks() {
    wm.stubFor(post("/v1/messages").willReturn(okJson(TEXT_ANSWER)));
    var request =
        toolRoundTrip("claude-sonnet-4-5")
            .message(dev.tessera.routing.api.ChatMessage.system("Answer in French."))
            .toolChoice(ToolChoice.REQUIRED)
            .temperature(0.5)
            .user("u-9")
            .build();

    await(adapter.chat(endpoint(), request, seconds(5)));

    wm.verify(
        postRequestedFor(urlEqualTo("/v1/messages"))
            .withHeader("x-api-key", equalTo("ak-test"))
            .withHeader("anthropic-version", equalTo("2023-06-01")));
    JsonObject body = receivedBody(wm);
    assertThat(body.getString("system")).isEqualTo("Answer in French.");
    assertThat(body.getInt("max_tokens")).isEqualTo(AnthropicWire.DEFAULT_MAX_TOKENS);
    var messages = body.getJsonArray("messages");
    assertThat(messages).hasSize(3);
    JsonObject toolUse = messages.getJsonObject(1).getJsonArray("content").getJsonObject(0);
    assertThat(toolUse.getString("type")).isEqualTo("tool_use");
    assertThat(toolUse.getString("id")).isEqualTo("call_1");
    assertThat(toolUse.getJsonObject("input").getString("city")).isEqualTo("Paris");
    JsonObject result = messages.getJsonObject(2).getJsonArray("content").getJsonObject(0);
    assertThat(messages.getJsonObject(2).getString("role")).isEqualTo("user");
    assertThat(result.getString("type")).isEqualTo("tool_result");
    assertThat(result.getString("tool_use_id")).isEqualTo("call_1");
    assertThat(result.getString("content")).isEqualTo("{\"temp_c\":21}");
    JsonObject tool = body.getJsonArray("tools").getJsonObject(0);
    assertThat(tool.getString("name")).isEqualTo("get_weather");
    assertThat(tool.getJsonObject("input_schema").getString("type")).isEqualTo("object");
    assertThat(body.getJsonObject("tool_choice").getString("type")).isEqualTo("any");
    assertThat(body.getJsonObject("metadata").getString("user_id")).isEqualTo("u-9");
  }

  @Test
  void reads_text_tool_use_stop_reason_and_usage_including_cache_reads() {
    wm.stubFor(
        post("/v1/messages")
            .willReturn(
                okJson(
                    """
        {"id":"msg_2","type":"message","role":"assistant","model":"claude-sonnet-4-5",
         "content":[{"type":"text","text":"Let me check."},
                    {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Oslo"}}],
         "stop_reason":"tool_use","stop_sequence":null,
         "usage":{"input_tokens":30,"cache_read_input_tokens":70,"output_tokens":12}}""")));

    ChatResponse r = await(adapter.chat(endpoint(), hello("claude").build(), seconds(5)));

    assertThat(r.message().text()).isEqualTo("Let me check.");
    assertThat(r.message().toolCalls())
        .containsExactly(new ToolCall("toolu_1", "get_weather", "{\"city\":\"Oslo\"}"));
    assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.usage()).isEqualTo(new Usage(100, 12, 70));
  }

  @Test
  void enforces_a_json_schema_through_a_forced_tool_and_returns_its_input_as_text() {
    wm.stubFor(
        post("/v1/messages")
            .willReturn(
                okJson(
                    """
        {"id":"msg_3","type":"message","role":"assistant","model":"claude",
         "content":[{"type":"tool_use","id":"toolu_2","name":"answer",
                     "input":{"answer":"42","confidence":0.9}}],
         "stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5}}""")));
    var request =
        hello("claude")
            .responseFormat(ResponseFormat.jsonSchema("answer", ANSWER_SCHEMA, true))
            .build();

    ChatResponse r = await(adapter.chat(endpoint(), request, seconds(5)));

    assertThat(ProviderFixture.json(r.message().text()).getString("answer")).isEqualTo("42");
    assertThat(r.message().toolCalls()).isEmpty();
    assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    JsonObject body = receivedBody(wm);
    assertThat(body.getJsonObject("tool_choice").getString("name")).isEqualTo("answer");
    assertThat(body.getJsonArray("tools").getJsonObject(0).getJsonObject("input_schema"))
        .isEqualTo(ANSWER_SCHEMA);
  }

  @Test
  void streams_text_and_tool_input_deltas_then_stop_reason_and_usage() {
    String body =
        namedSse(
            "message_start",
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_4\","
                    + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[],"
                    + "\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}",
            "content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
            "ping", "{\"type\":\"ping\"}",
            "content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Checking \"}}",
            "content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\"now.\"}}",
            "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}",
            "content_block_start",
                "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                    + "{\"type\":\"tool_use\",\"id\":\"toolu_9\",\"name\":\"get_weather\",\"input\":{}}}",
            "content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":1,"
                    + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \"}}",
            "content_block_delta",
                "{\"type\":\"content_block_delta\",\"index\":1,"
                    + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Lima\\\"}\"}}",
            "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}",
            "message_delta",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                    + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":31}}",
            "message_stop", "{\"type\":\"message_stop\"}");
    wm.stubFor(
        post("/v1/messages")
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(body)
                    .withChunkedDribbleDelay(8, 1200)));
    var listener = new RecordingListener();

    adapter.chatStream(
        endpoint(), hello("claude").stream(true, true).build(), seconds(10), listener);

    assertThat(listener.awaitEnd()).isNull();
    long ended = System.nanoTime();
    assertThat(Duration.ofNanos(ended - listener.firstChunkNanos))
        .isGreaterThan(Duration.ofMillis(400));
    assertThat(listener.text()).isEqualTo("Checking now.");
    assertThat(listener.toolDeltas().get(0).id()).isEqualTo("toolu_9");
    assertThat(listener.toolArguments()).containsExactly(Map.entry(0, "{\"city\": \"Lima\"}"));
    assertThat(listener.finishReasons()).containsExactly(FinishReason.TOOL_CALLS);
    assertThat(listener.usage()).isEqualTo(new Usage(25, 31, 0));
    assertThat(receivedBody(wm).getBoolean("stream")).isTrue();
  }

  @Test
  void an_in_stream_overloaded_error_is_a_retryable_server_error_after_partial_output() {
    String body =
        namedSse(
            "message_start",
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_5\","
                    + "\"model\":\"claude\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}",
            "error",
                "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                    + "\"message\":\"Overloaded\"}}");
    wm.stubFor(
        post("/v1/messages")
            .willReturn(
                aResponse().withHeader("Content-Type", "text/event-stream").withBody(body)));
    var listener = new RecordingListener();

    adapter.chatStream(endpoint(), hello("claude").build(), seconds(10), listener);

    ProviderException e = listener.awaitEnd();
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.SERVER_ERROR);
    assertThat(e.getMessage()).contains("overloaded_error");
    assertThat(e.partialOutput()).isTrue();
    assertThat(e.retryable()).isFalse();
  }

  @Test
  void has_no_embeddings() {
    var e =
        ProviderFixture.failureOf(
            adapter.embed(
                endpoint(),
                new dev.tessera.routing.api.EmbeddingRequest(
                    "x", java.util.List.of("a"), null, null),
                seconds(1)));
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.CLIENT_ERROR);
  }

  static final String TEXT_ANSWER =
      """
      {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
       "content":[{"type":"text","text":"Il fait beau."}],"stop_reason":"end_turn",
       "usage":{"input_tokens":20,"output_tokens":6}}""";
}
