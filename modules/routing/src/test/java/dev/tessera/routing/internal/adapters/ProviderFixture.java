package dev.tessera.routing.internal.adapters;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ToolCall;
import dev.tessera.routing.api.ToolDefinition;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** Mock providers on loopback, the shared transport, and the requests the adapter tests send. */
final class ProviderFixture {
  /** The clients production uses, shared by all tests: exercises connection reuse across tests. */
  static final ProviderTransport TRANSPORT =
      new ProviderTransport(ProviderTransport.defaultClient(), ProviderTransport.answersClient());

  static final ToolDefinition WEATHER_TOOL =
      new ToolDefinition(
          "get_weather",
          "Current weather for a city",
          json(
              """
              {"type":"object","properties":{"city":{"type":"string"}},
               "required":["city"],"additionalProperties":false}"""));

  static final JsonObject ANSWER_SCHEMA =
      json(
          """
          {"type":"object","properties":{"answer":{"type":"string"},"confidence":{"type":"number"}},
           "required":["answer","confidence"],"additionalProperties":false}""");

  private ProviderFixture() {}

  static WireMockExtension mockProvider() {
    return WireMockExtension.newInstance()
        .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort())
        .build();
  }

  static Deadline seconds(long s) {
    return Deadline.after(Duration.ofSeconds(s));
  }

  static ChatRequest.Builder hello(String model) {
    return ChatRequest.builder(model)
        .message(ChatMessage.system("Be brief."))
        .message(ChatMessage.user("Say hello"));
  }

  /** A conversation whose last turn answers a tool call, so tool results travel upstream. */
  static ChatRequest.Builder toolRoundTrip(String model) {
    return ChatRequest.builder(model)
        .message(ChatMessage.user("Weather in Paris?"))
        .message(
            ChatMessage.assistant(
                null, List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"))))
        .message(ChatMessage.toolResult("call_1", "{\"temp_c\":21}"))
        .tool(WEATHER_TOOL);
  }

  static JsonObject json(String text) {
    return JsonSupport.parseObject(text);
  }

  /** The JSON body of the only request the mock provider received. */
  static JsonObject receivedBody(WireMockExtension wm) {
    List<ServeEvent> events = wm.getAllServeEvents();
    if (events.size() != 1) {
      throw new AssertionError("expected one upstream request, got " + events.size());
    }
    return json(events.get(0).getRequest().getBodyAsString());
  }

  /** An SSE body of unnamed {@code data:} events (OpenAI, Gemini). */
  static String sse(String... data) {
    StringBuilder b = new StringBuilder();
    for (String d : data) {
      b.append("data: ").append(d).append("\n\n");
    }
    return b.toString();
  }

  /** An SSE body of named events, given as name, data, name, data... (Anthropic). */
  static String namedSse(String... nameThenData) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < nameThenData.length; i += 2) {
      b.append("event: ").append(nameThenData[i]).append('\n');
      b.append("data: ").append(nameThenData[i + 1]).append("\n\n");
    }
    return b.toString();
  }

  /** The ProviderException a failed call completed with (within 10 s). */
  static ProviderException failureOf(CompletableFuture<?> call) {
    try {
      call.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof ProviderException p) {
        return p;
      }
      throw new AssertionError("not a ProviderException", e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("call succeeded");
  }

  static <T> T await(CompletableFuture<T> call) {
    try {
      return call.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }
}
