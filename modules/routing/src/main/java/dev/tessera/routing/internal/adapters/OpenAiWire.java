package dev.tessera.routing.internal.adapters;

import static dev.tessera.routing.internal.adapters.JsonSupport.JSON;
import static dev.tessera.routing.internal.adapters.JsonSupport.array;
import static dev.tessera.routing.internal.adapters.JsonSupport.integer;
import static dev.tessera.routing.internal.adapters.JsonSupport.obj;
import static dev.tessera.routing.internal.adapters.JsonSupport.object;
import static dev.tessera.routing.internal.adapters.JsonSupport.string;

import dev.tessera.routing.api.ChatChoice;
import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.ContentPart;
import dev.tessera.routing.api.Embedding;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResponse;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.ResponseFormat;
import dev.tessera.routing.api.ToolCall;
import dev.tessera.routing.api.ToolCallDelta;
import dev.tessera.routing.api.ToolChoice;
import dev.tessera.routing.api.ToolDefinition;
import dev.tessera.routing.api.Usage;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;

/** Translation between the neutral model and the OpenAI Chat Completions / Embeddings wire. */
public final class OpenAiWire {
  private OpenAiWire() {}

  static JsonObject chatBody(ChatRequest r, String model, boolean stream) {
    JsonArrayBuilder messages = JSON.createArrayBuilder();
    r.messages().forEach(m -> messages.add(message(m)));
    JsonSupport.Obj body =
        obj()
            .put("model", model)
            .put("messages", messages.build())
            .put("temperature", r.temperature())
            .put("top_p", r.topP())
            // max_tokens, not max_completion_tokens: every OpenAI-compatible server accepts it.
            .put("max_tokens", r.maxTokens())
            .put("seed", r.seed())
            .put("user", r.user())
            .put("n", r.n());
    if (!r.stop().isEmpty()) {
      body.put("stop", JSON.createArrayBuilder(r.stop()).build());
    }
    if (!r.tools().isEmpty()) {
      JsonArrayBuilder tools = JSON.createArrayBuilder();
      r.tools().forEach(t -> tools.add(tool(t)));
      body.put("tools", tools.build());
    }
    body.put("tool_choice", toolChoice(r.toolChoice()));
    body.put("response_format", responseFormat(r.responseFormat()));
    if (stream) {
      body.put("stream", true);
      if (r.includeUsage()) {
        body.put("stream_options", obj().put("include_usage", true));
      }
    }
    return body.build();
  }

  private static JsonObject message(ChatMessage m) {
    JsonSupport.Obj o = obj().put("role", m.role().wireName()).put("name", m.name());
    boolean onlyText = m.content().stream().allMatch(ContentPart.Text.class::isInstance);
    if (m.content().isEmpty()) {
      o.put("content", JsonValue.NULL);
    } else if (onlyText) {
      o.put("content", m.text());
    } else {
      JsonArrayBuilder parts = JSON.createArrayBuilder();
      for (ContentPart p : m.content()) {
        if (p instanceof ContentPart.Text t) {
          parts.add(obj().put("type", "text").put("text", t.text()).build());
        } else if (p instanceof ContentPart.Image i) {
          parts.add(
              obj()
                  .put("type", "image_url")
                  .put("image_url", obj().put("url", i.url()).put("detail", i.detail()))
                  .build());
        }
      }
      o.put("content", parts.build());
    }
    if (!m.toolCalls().isEmpty()) {
      JsonArrayBuilder calls = JSON.createArrayBuilder();
      for (ToolCall c : m.toolCalls()) {
        calls.add(
            obj()
                .put("id", c.id())
                .put("type", "function")
                .put("function", obj().put("name", c.name()).put("arguments", c.arguments()))
                .build());
      }
      o.put("tool_calls", calls.build());
    }
    return o.put("tool_call_id", m.toolCallId()).build();
  }

  private static JsonObject tool(ToolDefinition t) {
    return obj()
        .put("type", "function")
        .put(
            "function",
            obj()
                .put("name", t.name())
                .put("description", t.description())
                .put("parameters", t.parameters()))
        .build();
  }

  private static JsonValue toolChoice(ToolChoice c) {
    if (c == null) {
      return null;
    }
    return switch (c.mode()) {
      case AUTO -> JSON.createValue("auto");
      case NONE -> JSON.createValue("none");
      case REQUIRED -> JSON.createValue("required");
      case FUNCTION ->
          obj()
              .put("type", "function")
              .put("function", obj().put("name", c.functionName()))
              .build();
    };
  }

  private static JsonObject responseFormat(ResponseFormat f) {
    return switch (f.type()) {
      case TEXT -> null; // the default; some compatible servers reject an explicit "text"
      case JSON_OBJECT -> obj().put("type", "json_object").build();
      case JSON_SCHEMA ->
          obj()
              .put("type", "json_schema")
              .put(
                  "json_schema",
                  obj().put("name", f.name()).put("schema", f.schema()).put("strict", f.strict()))
              .build();
    };
  }

  public static ChatResponse chatResponse(JsonObject o) {
    List<ChatChoice> choices = new ArrayList<>();
    for (JsonValue v : o.getJsonArray("choices")) {
      JsonObject c = v.asJsonObject();
      JsonObject m = c.getJsonObject("message");
      List<ToolCall> calls = new ArrayList<>();
      for (JsonValue t : array(m, "tool_calls")) {
        JsonObject fn = t.asJsonObject().getJsonObject("function");
        calls.add(
            new ToolCall(
                string(t.asJsonObject(), "id"), fn.getString("name"), string(fn, "arguments")));
      }
      ChatMessage message = ChatMessage.assistant(string(m, "content"), calls);
      choices.add(
          new ChatChoice(
              integer(c, "index"), message, FinishReason.fromWire(string(c, "finish_reason"))));
    }
    return new ChatResponse(string(o, "id"), string(o, "model"), choices, usage(o));
  }

  static ChatChunk chunk(JsonObject o) {
    List<ChunkChoice> choices = new ArrayList<>();
    for (JsonValue v : array(o, "choices")) {
      JsonObject c = v.asJsonObject();
      JsonObject d = object(c, "delta");
      List<ToolCallDelta> calls = new ArrayList<>();
      for (JsonValue t : array(d, "tool_calls")) {
        JsonObject call = t.asJsonObject();
        JsonObject fn = object(call, "function");
        calls.add(
            new ToolCallDelta(
                integer(call, "index"),
                string(call, "id"),
                string(fn, "name"),
                string(fn, "arguments")));
      }
      String role = string(d, "role");
      choices.add(
          new ChunkChoice(
              integer(c, "index"),
              role == null ? null : MessageRole.fromWire(role),
              string(d, "content"),
              calls,
              FinishReason.fromWire(string(c, "finish_reason"))));
    }
    return new ChatChunk(string(o, "id"), string(o, "model"), choices, usage(o));
  }

  /** OpenAI's usage object, {@code null} when absent (as in all but the last stream chunk). */
  static Usage usage(JsonObject o) {
    JsonObject u = object(o, "usage");
    if (u == null) {
      return null;
    }
    int cached = integer(object(u, "prompt_tokens_details"), "cached_tokens");
    return new Usage(integer(u, "prompt_tokens"), integer(u, "completion_tokens"), cached);
  }

  static JsonObject embeddingBody(EmbeddingRequest r, String model) {
    return obj()
        .put("model", model)
        .put("input", JSON.createArrayBuilder(r.input()).build())
        .put("encoding_format", "float")
        .put("dimensions", r.dimensions())
        .put("user", r.user())
        .build();
  }

  static EmbeddingResponse embeddingResponse(JsonObject o) {
    List<Embedding> data = new ArrayList<>();
    for (JsonValue v : o.getJsonArray("data")) {
      JsonObject e = v.asJsonObject();
      data.add(new Embedding(integer(e, "index"), floats(e.getJsonArray("embedding"))));
    }
    data.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return new EmbeddingResponse(string(o, "model"), data, usage(o));
  }

  static float[] floats(JsonArray a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) a.getJsonNumber(i).doubleValue();
    }
    return f;
  }
}
