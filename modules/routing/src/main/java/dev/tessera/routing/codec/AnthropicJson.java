package dev.tessera.routing.codec;

import dev.tessera.routing.api.ChatChoice;
import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.ContentPart;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.ToolCall;
import dev.tessera.routing.api.ToolChoice;
import dev.tessera.routing.api.ToolDefinition;
import dev.tessera.routing.api.Usage;
import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic's Messages format (request, response, stream events) mapped onto the gateway's records,
 * so Anthropic SDK users can point at Tessera too.
 */
public final class AnthropicJson {
  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private AnthropicJson() {}

  public static ChatRequest request(JsonObject o) {
    ChatRequest.Builder b = ChatRequest.builder(OpenAiRequests.string(o, "model", true));
    JsonValue max = o.get("max_tokens");
    if (!(max instanceof JsonNumber n) || !n.isIntegral() || n.intValue() < 1) {
      throw InvalidInputException.field("max_tokens", "is required: a positive integer");
    }
    b.maxTokens(((JsonNumber) max).intValue());
    JsonValue system = o.get("system");
    if (system instanceof JsonString s) {
      b.message(ChatMessage.system(s.getString()));
    } else if (system instanceof JsonArray blocks) {
      b.message(ChatMessage.system(text(blocks, "system")));
    }
    JsonValue messages = o.get("messages");
    if (!(messages instanceof JsonArray list) || list.isEmpty()) {
      throw InvalidInputException.field("messages", "is required: a non-empty array");
    }
    for (int i = 0; i < list.size(); i++) {
      messages(OpenAiRequests.object(list.get(i), "messages[" + i + "]"), "messages[" + i + "]", b);
    }
    if (o.get("tools") instanceof JsonArray tools) {
      for (int i = 0; i < tools.size(); i++) {
        JsonObject t = OpenAiRequests.object(tools.get(i), "tools[" + i + "]");
        b.tool(
            new ToolDefinition(
                OpenAiRequests.string(t, "name", true),
                OpenAiRequests.string(t, "description", false),
                t.get("input_schema") instanceof JsonObject schema ? schema : null));
      }
    }
    if (o.get("tool_choice") instanceof JsonObject tc) {
      String type = OpenAiRequests.string(tc, "type", true);
      b.toolChoice(
          switch (type) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            case "tool" -> ToolChoice.function(OpenAiRequests.string(tc, "name", true));
            default ->
                throw InvalidInputException.field("tool_choice.type", "unknown '" + type + "'");
          });
    }
    if (o.get("temperature") instanceof JsonNumber t) {
      b.temperature(t.doubleValue());
    }
    if (o.get("top_p") instanceof JsonNumber p) {
      b.topP(p.doubleValue());
    }
    if (o.get("stop_sequences") instanceof JsonArray stops) {
      b.stop(stops.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
    }
    b.stream(o.get("stream") == JsonValue.TRUE, true);
    return b.build();
  }

  /** One Anthropic message may hold text, tool calls and tool results: split into ours. */
  private static void messages(JsonObject m, String path, ChatRequest.Builder b) {
    String role = OpenAiRequests.string(m, "role", true);
    if (!role.equals("user") && !role.equals("assistant")) {
      throw InvalidInputException.field(path + ".role", "must be user or assistant");
    }
    JsonValue content = m.get("content");
    if (content instanceof JsonString s) {
      b.message(
          role.equals("user")
              ? ChatMessage.user(s.getString())
              : ChatMessage.assistant(s.getString()));
      return;
    }
    if (!(content instanceof JsonArray blocks)) {
      throw InvalidInputException.field(
          path + ".content", "must be a string or an array of blocks");
    }
    List<ContentPart> parts = new ArrayList<>();
    List<ToolCall> calls = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      JsonObject block = OpenAiRequests.object(blocks.get(i), path + ".content[" + i + "]");
      switch (OpenAiRequests.string(block, "type", true)) {
        case "text" -> parts.add(new ContentPart.Text(OpenAiRequests.string(block, "text", true)));
        case "tool_use" ->
            calls.add(
                new ToolCall(
                    OpenAiRequests.string(block, "id", true),
                    OpenAiRequests.string(block, "name", true),
                    String.valueOf(block.getOrDefault("input", JsonValue.EMPTY_JSON_OBJECT))));
        case "tool_result" -> {
          JsonValue result = block.get("content");
          String text =
              result instanceof JsonString s
                  ? s.getString()
                  : result instanceof JsonArray a ? text(a, path) : "";
          b.message(
              ChatMessage.toolResult(OpenAiRequests.string(block, "tool_use_id", true), text));
        }
        default ->
            throw InvalidInputException.field(
                path + ".content[" + i + "].type", "unsupported block");
      }
    }
    if (!parts.isEmpty() || !calls.isEmpty()) {
      b.message(
          new ChatMessage(
              role.equals("user") ? MessageRole.USER : MessageRole.ASSISTANT,
              parts,
              calls,
              null,
              null));
    }
  }

  private static String text(JsonArray blocks, String path) {
    StringBuilder s = new StringBuilder();
    for (JsonValue v : blocks) {
      JsonObject block = OpenAiRequests.object(v, path);
      if ("text".equals(OpenAiRequests.string(block, "type", false))) {
        s.append(s.length() == 0 ? "" : "\n").append(OpenAiRequests.string(block, "text", true));
      }
    }
    return s.toString();
  }

  public static JsonObject response(ChatResponse r, String id) {
    ChatChoice choice = r.choices().get(0);
    JsonArrayBuilder content = JSON.createArrayBuilder();
    String text = choice.message().text();
    if (text != null && !text.isEmpty()) {
      content.add(JSON.createObjectBuilder().add("type", "text").add("text", text));
    }
    for (ToolCall c : choice.message().toolCalls()) {
      content.add(
          JSON.createObjectBuilder()
              .add("type", "tool_use")
              .add("id", c.id())
              .add("name", c.name())
              .add("input", JSON.createReader(new StringReader(c.arguments())).readValue()));
    }
    return JSON.createObjectBuilder()
        .add("id", id)
        .add("type", "message")
        .add("role", "assistant")
        .add("model", r.model())
        .add("content", content)
        .add("stop_reason", stopReason(choice.finishReason()))
        .addNull("stop_sequence")
        .add("usage", usage(r.usage()))
        .build();
  }

  public static String stopReason(FinishReason f) {
    if (f == null) {
      return "end_turn";
    }
    return switch (f) {
      case LENGTH -> "max_tokens";
      case TOOL_CALLS -> "tool_use";
      default -> "end_turn";
    };
  }

  public static JsonObjectBuilder usage(Usage u) {
    return JSON.createObjectBuilder()
        .add("input_tokens", u.promptTokens())
        .add("output_tokens", u.completionTokens())
        .add("cache_read_input_tokens", u.cachedTokens());
  }

  /** Anthropic's error body: {@code {"type":"error","error":{"type","message"}}}. */
  public static String error(int status, String message) {
    String type =
        switch (status) {
          case 400, 413 -> "invalid_request_error";
          case 401 -> "authentication_error";
          case 402 -> "billing_error";
          case 403 -> "permission_error";
          case 404 -> "not_found_error";
          case 429 -> "rate_limit_error";
          case 529, 503 -> "overloaded_error";
          default -> "api_error";
        };
    return JSON.createObjectBuilder()
        .add("type", "error")
        .add(
            "error",
            JSON.createObjectBuilder()
                .add("type", type)
                .add("message", message == null ? "" : message))
        .build()
        .toString();
  }
}
