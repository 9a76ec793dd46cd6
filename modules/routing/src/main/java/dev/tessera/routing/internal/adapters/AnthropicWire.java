package dev.tessera.routing.internal.adapters;

import static dev.tessera.routing.internal.adapters.JsonSupport.JSON;
import static dev.tessera.routing.internal.adapters.JsonSupport.integer;
import static dev.tessera.routing.internal.adapters.JsonSupport.obj;
import static dev.tessera.routing.internal.adapters.JsonSupport.object;
import static dev.tessera.routing.internal.adapters.JsonSupport.string;

import dev.tessera.routing.api.ChatChoice;
import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.ContentPart;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.ResponseFormat;
import dev.tessera.routing.api.ToolCall;
import dev.tessera.routing.api.ToolChoice;
import dev.tessera.routing.api.Usage;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Translation to and from Anthropic's Messages API. Anthropic has no response_format, so a JSON
 * schema is enforced the way Anthropic documents: a forced call of a tool whose input schema is the
 * schema, whose input is then returned as the answer text.
 */
final class AnthropicWire {
  /** Messages requires max_tokens; this is what callers get when they leave it open. */
  static final int DEFAULT_MAX_TOKENS = 4096;

  static final String JSON_OBJECT_INSTRUCTION =
      "Respond with a single JSON object and nothing else.";

  private AnthropicWire() {}

  /** The name of the tool standing in for a JSON schema response format, or {@code null}. */
  static String schemaTool(ChatRequest r) {
    return r.responseFormat().type() == ResponseFormat.Type.JSON_SCHEMA
        ? r.responseFormat().name()
        : null;
  }

  static JsonObject body(ChatRequest r, String model, boolean stream) {
    if (r.n() != null && r.n() > 1) {
      throw new IllegalArgumentException("anthropic answers one choice per request (n > 1)");
    }
    List<String> system = new ArrayList<>();
    JsonArrayBuilder messages = JSON.createArrayBuilder();
    JsonArrayBuilder pendingToolResults = null;
    for (ChatMessage m : r.messages()) {
      if (m.role() == MessageRole.SYSTEM) {
        system.add(m.text());
        continue;
      }
      if (m.role() == MessageRole.TOOL) {
        // Every result for one assistant turn's tool_use blocks must sit in one user message.
        if (pendingToolResults == null) {
          pendingToolResults = JSON.createArrayBuilder();
        }
        pendingToolResults.add(
            obj()
                .put("type", "tool_result")
                .put("tool_use_id", m.toolCallId())
                .put("content", m.text() == null ? "" : m.text())
                .build());
        continue;
      }
      if (pendingToolResults != null) {
        messages.add(obj().put("role", "user").put("content", pendingToolResults.build()).build());
        pendingToolResults = null;
      }
      messages.add(
          obj()
              .put("role", m.role() == MessageRole.ASSISTANT ? "assistant" : "user")
              .put("content", blocks(m))
              .build());
    }
    if (pendingToolResults != null) {
      messages.add(obj().put("role", "user").put("content", pendingToolResults.build()).build());
    }
    if (r.responseFormat().type() == ResponseFormat.Type.JSON_OBJECT) {
      system.add(JSON_OBJECT_INSTRUCTION);
    }
    JsonSupport.Obj body =
        obj()
            .put("model", model)
            .put("max_tokens", r.maxTokens() == null ? DEFAULT_MAX_TOKENS : r.maxTokens())
            .put("messages", messages.build())
            .put("system", system.isEmpty() ? null : String.join("\n\n", system))
            .put("temperature", r.temperature())
            .put("top_p", r.topP());
    if (!r.stop().isEmpty()) {
      body.put("stop_sequences", JSON.createArrayBuilder(r.stop()).build());
    }
    if (r.user() != null) {
      body.put("metadata", obj().put("user_id", r.user()));
    }
    tools(r, body);
    if (stream) {
      body.put("stream", true);
    }
    return body.build();
  }

  private static void tools(ChatRequest r, JsonSupport.Obj body) {
    JsonArrayBuilder tools = JSON.createArrayBuilder();
    r.tools()
        .forEach(
            t ->
                tools.add(
                    obj()
                        .put("name", t.name())
                        .put("description", t.description())
                        .put(
                            "input_schema",
                            t.parameters() == null
                                ? obj().put("type", "object").build()
                                : t.parameters())
                        .build()));
    String schemaTool = schemaTool(r);
    if (schemaTool != null) {
      tools.add(
          obj()
              .put("name", schemaTool)
              .put("description", "Return the answer.")
              .put("input_schema", r.responseFormat().schema())
              .build());
      body.put("tools", tools.build());
      body.put("tool_choice", obj().put("type", "tool").put("name", schemaTool));
      return;
    }
    if (!r.tools().isEmpty()) {
      body.put("tools", tools.build());
    }
    ToolChoice c = r.toolChoice();
    if (c != null && !r.tools().isEmpty()) {
      body.put(
          "tool_choice",
          switch (c.mode()) {
            case AUTO -> obj().put("type", "auto");
            case NONE -> obj().put("type", "none");
            case REQUIRED -> obj().put("type", "any");
            case FUNCTION -> obj().put("type", "tool").put("name", c.functionName());
          });
    }
  }

  private static JsonValue blocks(ChatMessage m) {
    JsonArrayBuilder blocks = JSON.createArrayBuilder();
    for (ContentPart p : m.content()) {
      if (p instanceof ContentPart.Text t) {
        blocks.add(obj().put("type", "text").put("text", t.text()).build());
      } else if (p instanceof ContentPart.Image i) {
        blocks.add(obj().put("type", "image").put("source", imageSource(i.url())).build());
      }
    }
    for (ToolCall c : m.toolCalls()) {
      blocks.add(
          obj()
              .put("type", "tool_use")
              .put("id", c.id())
              .put("name", c.name())
              .put("input", JsonSupport.argumentsObject(c.arguments()))
              .build());
    }
    return blocks.build();
  }

  private static JsonObject imageSource(String url) {
    if (url.startsWith("data:")) {
      int comma = url.indexOf(',');
      String mediaType = url.substring(5, url.indexOf(';'));
      return obj()
          .put("type", "base64")
          .put("media_type", mediaType)
          .put("data", url.substring(comma + 1))
          .build();
    }
    return obj().put("type", "url").put("url", url).build();
  }

  static ChatResponse response(JsonObject o, String schemaTool) {
    StringBuilder text = new StringBuilder();
    List<ToolCall> calls = new ArrayList<>();
    boolean answeredBySchemaTool = false;
    for (JsonValue v : o.getJsonArray("content")) {
      JsonObject block = v.asJsonObject();
      switch (block.getString("type")) {
        case "text" -> text.append(block.getString("text"));
        case "tool_use" -> {
          String input = block.getJsonObject("input").toString();
          if (block.getString("name").equals(schemaTool)) {
            text.append(input);
            answeredBySchemaTool = true;
          } else {
            calls.add(new ToolCall(block.getString("id"), block.getString("name"), input));
          }
        }
        default -> {} // thinking and other block types are not part of the answer
      }
    }
    FinishReason finish =
        answeredBySchemaTool ? FinishReason.STOP : finishReason(string(o, "stop_reason"));
    ChatMessage message = ChatMessage.assistant(text.length() == 0 ? null : text.toString(), calls);
    return new ChatResponse(
        string(o, "id"),
        string(o, "model"),
        List.of(new ChatChoice(0, message, finish)),
        usage(object(o, "usage"), null));
  }

  static FinishReason finishReason(String stopReason) {
    if (stopReason == null) {
      return null;
    }
    return switch (stopReason) {
      case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
      case "tool_use" -> FinishReason.TOOL_CALLS;
      case "refusal" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.STOP; // end_turn, stop_sequence, pause_turn
    };
  }

  /**
   * Anthropic counts cache reads and writes apart from {@code input_tokens}; OpenAI's prompt count
   * includes them. {@code output} overrides the output count (stream: from message_delta).
   */
  static Usage usage(JsonObject u, Integer output) {
    if (u == null) {
      return null;
    }
    int cacheRead = integer(u, "cache_read_input_tokens");
    int prompt = integer(u, "input_tokens") + cacheRead + integer(u, "cache_creation_input_tokens");
    return new Usage(prompt, output != null ? output : integer(u, "output_tokens"), cacheRead);
  }
}
