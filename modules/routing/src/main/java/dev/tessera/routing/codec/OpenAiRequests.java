package dev.tessera.routing.codec;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ContentPart;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.ResponseFormat;
import dev.tessera.routing.api.ToolCall;
import dev.tessera.routing.api.ToolChoice;
import dev.tessera.routing.api.ToolDefinition;
import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads OpenAI request bodies into the gateway's records. Unknown fields are ignored, as SDKs send
 * newer ones freely; known fields of the wrong type are a 400 naming the field (OpenAI's {@code
 * param}). The /v1 resources and the batch workers (which re-read stored request lines) share it.
 */
public final class OpenAiRequests {
  private OpenAiRequests() {}

  public static ChatRequest chat(JsonObject o) {
    ChatRequest.Builder b = ChatRequest.builder(string(o, "model", true));
    JsonArray messages = array(o, "messages", true);
    if (messages.isEmpty()) {
      throw InvalidInputException.field("messages", "must contain at least one message");
    }
    for (int i = 0; i < messages.size(); i++) {
      b.message(message(messages.get(i), "messages[" + i + "]"));
    }
    JsonArray tools = array(o, "tools", false);
    if (tools != null) {
      for (int i = 0; i < tools.size(); i++) {
        b.tool(tool(tools.get(i), "tools[" + i + "]"));
      }
    }
    if (o.containsKey("tool_choice") && !o.isNull("tool_choice")) {
      b.toolChoice(toolChoice(o.get("tool_choice")));
    }
    if (o.containsKey("response_format") && !o.isNull("response_format")) {
      b.responseFormat(responseFormat(object(o.get("response_format"), "response_format")));
    }
    b.temperature(decimal(o, "temperature", 0, 2));
    b.topP(decimal(o, "top_p", 0, 1));
    Integer max = integer(o, "max_completion_tokens");
    b.maxTokens(max != null ? max : integer(o, "max_tokens"));
    b.stop(stop(o));
    Integer seed = integer(o, "seed");
    b.seed(seed == null ? null : seed.longValue());
    b.user(string(o, "user", false));
    Integer n = integer(o, "n");
    if (n != null && (n < 1 || n > 8)) {
      throw InvalidInputException.field("n", "must be between 1 and 8");
    }
    b.n(n);
    boolean stream = bool(o, "stream");
    JsonObject options =
        o.containsKey("stream_options") && !o.isNull("stream_options")
            ? object(o.get("stream_options"), "stream_options")
            : null;
    b.stream(stream, options != null && bool(options, "include_usage"));
    return b.build();
  }

  public static EmbeddingRequest embeddings(JsonObject o) {
    String model = string(o, "model", true);
    if (!o.containsKey("input")) {
      throw InvalidInputException.field("input", "is required");
    }
    List<String> inputs = new ArrayList<>();
    JsonValue in = o.get("input");
    if (in instanceof JsonString s) {
      inputs.add(s.getString());
    } else if (in instanceof JsonArray a) {
      for (JsonValue v : a) {
        if (!(v instanceof JsonString s)) {
          throw InvalidInputException.field("input", "must be a string or an array of strings");
        }
        inputs.add(s.getString());
      }
    } else {
      throw InvalidInputException.field("input", "must be a string or an array of strings");
    }
    if (inputs.isEmpty() || inputs.size() > 2048) {
      throw InvalidInputException.field("input", "must hold between 1 and 2048 strings");
    }
    return new EmbeddingRequest(model, inputs, integer(o, "dimensions"), string(o, "user", false));
  }

  private static ChatMessage message(JsonValue v, String path) {
    JsonObject m = object(v, path);
    String roleName = string(m, "role", true);
    MessageRole role;
    try {
      role = MessageRole.fromWire(roleName);
    } catch (IllegalArgumentException e) {
      throw InvalidInputException.field(path + ".role", "unknown role '" + roleName + "'");
    }
    List<ContentPart> parts = content(m.get("content"), path + ".content");
    List<ToolCall> calls = new ArrayList<>();
    JsonArray toolCalls = array(m, "tool_calls", false);
    if (toolCalls != null) {
      for (int i = 0; i < toolCalls.size(); i++) {
        JsonObject c = object(toolCalls.get(i), path + ".tool_calls[" + i + "]");
        JsonObject f = object(c.get("function"), path + ".tool_calls[" + i + "].function");
        calls.add(
            new ToolCall(
                string(c, "id", true), string(f, "name", true), string(f, "arguments", false)));
      }
    }
    String toolCallId = string(m, "tool_call_id", role == MessageRole.TOOL);
    return new ChatMessage(role, parts, calls, toolCallId, string(m, "name", false));
  }

  private static List<ContentPart> content(JsonValue v, String path) {
    List<ContentPart> parts = new ArrayList<>();
    if (v == null || v == JsonValue.NULL) {
      return parts;
    }
    if (v instanceof JsonString s) {
      parts.add(new ContentPart.Text(s.getString()));
      return parts;
    }
    if (!(v instanceof JsonArray a)) {
      throw InvalidInputException.field(path, "must be a string or an array of content parts");
    }
    for (int i = 0; i < a.size(); i++) {
      JsonObject p = object(a.get(i), path + "[" + i + "]");
      String type = string(p, "type", true);
      switch (type) {
        case "text" -> parts.add(new ContentPart.Text(string(p, "text", true)));
        case "image_url" -> {
          JsonObject img = object(p.get("image_url"), path + "[" + i + "].image_url");
          parts.add(new ContentPart.Image(string(img, "url", true), string(img, "detail", false)));
        }
        default ->
            throw InvalidInputException.field(
                path + "[" + i + "].type", "unsupported part '" + type + "'");
      }
    }
    return parts;
  }

  private static ToolDefinition tool(JsonValue v, String path) {
    JsonObject t = object(v, path);
    JsonObject f = object(t.get("function"), path + ".function");
    JsonValue params = f.get("parameters");
    return new ToolDefinition(
        string(f, "name", true),
        string(f, "description", false),
        params instanceof JsonObject p ? p : null);
  }

  private static ToolChoice toolChoice(JsonValue v) {
    if (v instanceof JsonString s) {
      return switch (s.getString()) {
        case "auto" -> ToolChoice.AUTO;
        case "none" -> ToolChoice.NONE;
        case "required" -> ToolChoice.REQUIRED;
        default ->
            throw InvalidInputException.field(
                "tool_choice", "must be auto, none, required or a function");
      };
    }
    JsonObject o = object(v, "tool_choice");
    return ToolChoice.function(
        string(object(o.get("function"), "tool_choice.function"), "name", true));
  }

  private static ResponseFormat responseFormat(JsonObject o) {
    String type = string(o, "type", true);
    return switch (type) {
      case "text" -> ResponseFormat.TEXT;
      case "json_object" -> ResponseFormat.JSON_OBJECT;
      case "json_schema" -> {
        JsonObject js = object(o.get("json_schema"), "response_format.json_schema");
        yield ResponseFormat.jsonSchema(
            string(js, "name", false),
            object(js.get("schema"), "response_format.json_schema.schema"),
            bool(js, "strict"));
      }
      default ->
          throw InvalidInputException.field("response_format.type", "unknown type '" + type + "'");
    };
  }

  private static List<String> stop(JsonObject o) {
    JsonValue v = o.get("stop");
    if (v == null || v == JsonValue.NULL) {
      return null;
    }
    if (v instanceof JsonString s) {
      return List.of(s.getString());
    }
    if (v instanceof JsonArray a
        && a.size() <= 4
        && a.stream().allMatch(JsonString.class::isInstance)) {
      return a.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
    throw InvalidInputException.field("stop", "must be a string or up to 4 strings");
  }

  public static String string(JsonObject o, String field, boolean required) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      if (required) {
        throw InvalidInputException.field(field, "is required");
      }
      return null;
    }
    if (!(v instanceof JsonString s)) {
      throw InvalidInputException.field(field, "must be a string");
    }
    return s.getString();
  }

  private static JsonArray array(JsonObject o, String field, boolean required) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      if (required) {
        throw InvalidInputException.field(field, "is required");
      }
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw InvalidInputException.field(field, "must be an array");
    }
    return a;
  }

  public static JsonObject object(JsonValue v, String path) {
    if (!(v instanceof JsonObject o)) {
      throw InvalidInputException.field(path, "must be an object");
    }
    return o;
  }

  private static Integer integer(JsonObject o, String field) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      return null;
    }
    if (!(v instanceof JsonNumber n)
        || !n.isIntegral()
        || n.longValue() < 0
        || n.longValue() > Integer.MAX_VALUE) {
      throw InvalidInputException.field(field, "must be a non-negative integer");
    }
    return n.intValue();
  }

  private static Double decimal(JsonObject o, String field, double min, double max) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      return null;
    }
    if (!(v instanceof JsonNumber n) || n.doubleValue() < min || n.doubleValue() > max) {
      throw InvalidInputException.field(field, "must be a number between " + min + " and " + max);
    }
    return n.doubleValue();
  }

  private static boolean bool(JsonObject o, String field) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      return false;
    }
    if (v != JsonValue.TRUE && v != JsonValue.FALSE) {
      throw InvalidInputException.field(field, "must be true or false");
    }
    return v == JsonValue.TRUE;
  }
}
