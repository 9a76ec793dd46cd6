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
import static dev.tessera.routing.internal.adapters.ProviderFixture.receivedBody;
import static dev.tessera.routing.internal.adapters.ProviderFixture.seconds;
import static dev.tessera.routing.internal.adapters.ProviderFixture.sse;
import static dev.tessera.routing.internal.adapters.ProviderFixture.toolRoundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ResponseFormat;
import dev.tessera.routing.api.ToolChoice;
import dev.tessera.routing.api.Usage;
import dev.tessera.routing.spi.ProviderEndpoint;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GeminiAdapterTest {
  @RegisterExtension static WireMockExtension wm = ProviderFixture.mockProvider();

  private static final String GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent";
  private static final String STREAM =
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";

  private final GeminiAdapter adapter = new GeminiAdapter(ProviderFixture.TRANSPORT);

  private ProviderEndpoint endpoint() {
    return ProviderEndpoint.of(wm.baseUrl(), "gk-test");
  }

  @Test
  void translates_contents_system_instruction_function_calls_and_responses() {
    wm.stubFor(post(GENERATE).willReturn(okJson(TEXT_ANSWER)));
    var request =
        toolRoundTrip("gemini-2.5-flash")
            .message(dev.tessera.routing.api.ChatMessage.system("Be terse."))
            .toolChoice(ToolChoice.function("get_weather"))
            .temperature(0.3)
            .maxTokens(64)
            .build();

    await(adapter.chat(endpoint(), request, seconds(5)));

    wm.verify(
        postRequestedFor(urlEqualTo(GENERATE)).withHeader("x-goog-api-key", equalTo("gk-test")));
    JsonObject body = receivedBody(wm);
    assertThat(
            body.getJsonObject("systemInstruction")
                .getJsonArray("parts")
                .getJsonObject(0)
                .getString("text"))
        .isEqualTo("Be terse.");
    var contents = body.getJsonArray("contents");
    assertThat(contents).hasSize(3);
    JsonObject call =
        contents
            .getJsonObject(1)
            .getJsonArray("parts")
            .getJsonObject(0)
            .getJsonObject("functionCall");
    assertThat(contents.getJsonObject(1).getString("role")).isEqualTo("model");
    assertThat(call.getString("name")).isEqualTo("get_weather");
    assertThat(call.getJsonObject("args").getString("city")).isEqualTo("Paris");
    JsonObject response =
        contents
            .getJsonObject(2)
            .getJsonArray("parts")
            .getJsonObject(0)
            .getJsonObject("functionResponse");
    assertThat(response.getString("name")).isEqualTo("get_weather"); // resolved from the call id
    assertThat(response.getJsonObject("response").getInt("temp_c")).isEqualTo(21);
    JsonObject decl =
        body.getJsonArray("tools")
            .getJsonObject(0)
            .getJsonArray("functionDeclarations")
            .getJsonObject(0);
    assertThat(decl.getString("name")).isEqualTo("get_weather");
    assertThat(decl.getJsonObject("parameters").containsKey("additionalProperties")).isFalse();
    JsonObject calling = body.getJsonObject("toolConfig").getJsonObject("functionCallingConfig");
    assertThat(calling.getString("mode")).isEqualTo("ANY");
    assertThat(calling.getJsonArray("allowedFunctionNames").getString(0)).isEqualTo("get_weather");
    JsonObject generation = body.getJsonObject("generationConfig");
    assertThat(generation.getJsonNumber("temperature").doubleValue()).isEqualTo(0.3);
    assertThat(generation.getInt("maxOutputTokens")).isEqualTo(64);
  }

  @Test
  void sends_response_mime_type_and_schema_for_json_schema_format() {
    wm.stubFor(post(GENERATE).willReturn(okJson(TEXT_ANSWER)));
    var request =
        hello("gemini-2.5-flash")
            .responseFormat(ResponseFormat.jsonSchema("answer", ANSWER_SCHEMA, true))
            .build();

    await(adapter.chat(endpoint(), request, seconds(5)));

    JsonObject generation = receivedBody(wm).getJsonObject("generationConfig");
    assertThat(generation.getString("responseMimeType")).isEqualTo("application/json");
    JsonObject schema = generation.getJsonObject("responseSchema");
    assertThat(schema.getJsonArray("required")).hasSize(2);
    assertThat(schema.getJsonObject("properties").getJsonObject("answer").getString("type"))
        .isEqualTo("string");
    assertThat(schema.containsKey("additionalProperties")).isFalse();
  }

  @Test
  void reads_function_calls_as_tool_calls_with_minted_ids_and_usage() {
    wm.stubFor(
        post(GENERATE)
            .willReturn(
                okJson(
                    """
        {"candidates":[{"content":{"role":"model","parts":[
            {"functionCall":{"name":"get_weather","args":{"city":"Kyiv"}}}]},
           "finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":40,"candidatesTokenCount":8,
           "cachedContentTokenCount":32,"thoughtsTokenCount":2,"totalTokenCount":50},
         "modelVersion":"gemini-2.5-flash","responseId":"resp-1"}""")));

    ChatResponse r = await(adapter.chat(endpoint(), hello("gemini-2.5-flash").build(), seconds(5)));

    assertThat(r.id()).isEqualTo("resp-1");
    assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    var call = r.message().toolCalls().get(0);
    assertThat(call.id()).startsWith("call_");
    assertThat(call.name()).isEqualTo("get_weather");
    assertThat(ProviderFixture.json(call.arguments()).getString("city")).isEqualTo("Kyiv");
    assertThat(r.usage()).isEqualTo(new Usage(40, 10, 32));
  }

  @Test
  void maps_max_tokens_and_safety_finish_reasons() {
    assertThat(GeminiWire.finishReason("MAX_TOKENS")).isEqualTo(FinishReason.LENGTH);
    assertThat(GeminiWire.finishReason("SAFETY")).isEqualTo(FinishReason.CONTENT_FILTER);
    assertThat(GeminiWire.finishReason("STOP")).isEqualTo(FinishReason.STOP);
  }

  @Test
  void streams_parts_as_they_arrive_and_ends_with_the_closing_body() {
    String body =
        sse(
            "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Good \"}]},"
                + "\"index\":0}],\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r2\"}",
            "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"morning\"}]},"
                + "\"index\":0}],\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r2\"}",
            "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"!\"}]},"
                + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":"
                + "9,\"candidatesTokenCount\":3,\"totalTokenCount\":12},\"responseId\":\"r2\"}");
    wm.stubFor(
        post(STREAM)
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(body)
                    .withChunkedDribbleDelay(6, 1200)));
    var listener = new RecordingListener();

    adapter.chatStream(
        endpoint(), hello("gemini-2.5-flash").stream(true, true).build(), seconds(10), listener);

    assertThat(listener.awaitEnd()).isNull();
    assertThat(Duration.ofNanos(System.nanoTime() - listener.firstChunkNanos))
        .isGreaterThan(Duration.ofMillis(400));
    assertThat(listener.text()).isEqualTo("Good morning!");
    assertThat(listener.finishReasons()).containsExactly(FinishReason.STOP);
    assertThat(listener.usage()).isEqualTo(new Usage(9, 3, 0));
  }

  @Test
  void a_stream_closed_without_a_finish_reason_is_broken() {
    wm.stubFor(
        post(STREAM)
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(
                        sse(
                            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Half\"}]},\"index\":0}]}"))));
    var listener = new RecordingListener();

    adapter.chatStream(endpoint(), hello("gemini-2.5-flash").build(), seconds(10), listener);

    ProviderException e = listener.awaitEnd();
    assertThat(e.kind()).isEqualTo(ProviderException.Kind.STREAM_BROKEN);
    assertThat(e.partialOutput()).isTrue();
    assertThat(listener.text()).isEqualTo("Half");
  }

  @Test
  void embeds_through_batch_embed_contents() {
    wm.stubFor(
        post("/v1beta/models/text-embedding-004:batchEmbedContents")
            .willReturn(
                okJson(
                    "{\"embeddings\":[{\"values\":[0.1,0.2,0.3]},{\"values\":[0.4,0.5,0.6]}]}")));

    var r =
        await(
            adapter.embed(
                endpoint(),
                new EmbeddingRequest("text-embedding-004", List.of("x", "y"), null, null),
                seconds(5)));

    assertThat(r.data()).hasSize(2);
    assertThat(r.data().get(1).vector()).containsExactly(0.4f, 0.5f, 0.6f);
    assertThat(receivedBody(wm).getJsonArray("requests").getJsonObject(0).getString("model"))
        .isEqualTo("models/text-embedding-004");
  }

  static final String TEXT_ANSWER =
      """
      {"candidates":[{"content":{"role":"model","parts":[{"text":"Sunny."}]},
         "finishReason":"STOP","index":0}],
       "usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":2,"totalTokenCount":14},
       "modelVersion":"gemini-2.5-flash","responseId":"resp-0"}""";
}
