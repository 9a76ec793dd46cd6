package dev.tessera.routing.internal.adapters;

import static dev.tessera.routing.internal.adapters.JsonSupport.JSON;
import static dev.tessera.routing.internal.adapters.JsonSupport.array;
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
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Translation to and from Gemini's generateContent. Gemini answers tool calls by function name, not
 * id, so results are matched to names through the conversation's earlier calls; it returns no call
 * ids, so ids are minted. Its schemas are an OpenAPI subset: JSON-Schema-only keywords are dropped.
 */
final class GeminiWire {
  private static final Set<String> UNSUPPORTED_SCHEMA_KEYS =
      Set.of("additionalProperties", "$schema", "$id", "strict", "$defs", "title");

  private GeminiWire() {}

  static JsonObject body(ChatRequest r) {
    Map<String, String> callNames = new HashMap<>();
    List<String> system = new ArrayList<>();
    JsonArrayBuilder contents = JSON.createArrayBuilder();
    JsonArrayBuilder pendingResults = null;
    for (ChatMessage m : r.messages()) {
      m.toolCalls().forEach(c -> callNames.put(c.id(), c.name()));
      if (m.role() == MessageRole.SYSTEM) {
        system.add(m.text());
        continue;
      }
      if (m.role() == MessageRole.TOOL) {
        if (pendingResults == null) {
          pendingResults = JSON.createArrayBuilder();
        }
        String name = callNames.getOrDefault(m.toolCallId(), m.toolCallId());
        pendingResults.add(
            obj()
                .put(
                    "functionResponse",
                    obj().put("name", name).put("response", toolResponse(m.text())))
                .build());
        continue;
      }
      if (pendingResults != null) {
        contents.add(obj().put("role", "user").put("parts", pendingResults.build()).build());
        pendingResults = null;
      }
      contents.add(
          obj()
              .put("role", m.role() == MessageRole.ASSISTANT ? "model" : "user")
              .put("parts", parts(m))
              .build());
    }
    if (pendingResults != null) {
      contents.add(obj().put("role", "user").put("parts", pendingResults.build()).build());
    }
    JsonSupport.Obj body = obj().put("contents", contents.build());
    if (!system.isEmpty()) {
      body.put(
          "systemInstruction",
          obj()
              .put(
                  "parts",
                  JSON.createArrayBuilder()
                      .add(obj().put("text", String.join("\n\n", system)).build())
                      .build()));
    }
    if (!r.tools().isEmpty()) {
      JsonArrayBuilder decls = JSON.createArrayBuilder();
      r.tools()
          .forEach(
              t ->
                  decls.add(
                      obj()
                          .put("name", t.name())
                          .put("description", t.description())
                          .put("parameters", t.parameters() == null ? null : schema(t.parameters()))
                          .build()));
      body.put(
          "tools",
          JSON.createArrayBuilder()
              .add(obj().put("functionDeclarations", decls.build()).build())
              .build());
      body.put("toolConfig", toolConfig(r.toolChoice()));
    }
    return body.put("generationConfig", generationConfig(r)).build();
  }

  private static JsonObject toolConfig(ToolChoice c) {
    if (c == null) {
      return null;
    }
    JsonSupport.Obj config =
        obj()
            .put(
                "mode",
                switch (c.mode()) {
                  case AUTO -> "AUTO";
                  case NONE -> "NONE";
                  case REQUIRED, FUNCTION -> "ANY";
                });
    if (c.mode() == ToolChoice.Mode.FUNCTION) {
      config.put("allowedFunctionNames", JSON.createArrayBuilder().add(c.functionName()).build());
    }
    return obj().put("functionCallingConfig", config).build();
  }

  private static JsonObject generationConfig(ChatRequest r) {
    JsonSupport.Obj g =
        obj()
            .put("temperature", r.temperature())
            .put("topP", r.topP())
            .put("maxOutputTokens", r.maxTokens())
            .put("seed", r.seed())
            .put("candidateCount", r.n());
    if (!r.stop().isEmpty()) {
      g.put("stopSequences", JSON.createArrayBuilder(r.stop()).build());
    }
    ResponseFormat f = r.responseFormat();
    if (f.type() != ResponseFormat.Type.TEXT) {
      g.put("responseMimeType", "application/json");
    }
    if (f.type() == ResponseFormat.Type.JSON_SCHEMA) {
      g.put("responseSchema", schema(f.schema()));
    }
    JsonObject built = g.build();
    return built.isEmpty() ? null : built;
  }

  private static JsonValue parts(ChatMessage m) {
    JsonArrayBuilder parts = JSON.createArrayBuilder();
    for (ContentPart p : m.content()) {
      if (p instanceof ContentPart.Text t) {
        parts.add(obj().put("text", t.text()).build());
      } else if (p instanceof ContentPart.Image i) {
        parts.add(image(i.url()));
      }
    }
    for (ToolCall c : m.toolCalls()) {
      parts.add(
          obj()
              .put(
                  "functionCall",
                  obj()
                      .put("name", c.name())
                      .put("args", JsonSupport.argumentsObject(c.arguments())))
              .build());
    }
    return parts.build();
  }

  private static JsonObject image(String url) {
    if (url.startsWith("data:")) {
      return obj()
          .put(
              "inlineData",
              obj()
                  .put("mimeType", url.substring(5, url.indexOf(';')))
                  .put("data", url.substring(url.indexOf(',') + 1)))
          .build();
    }
    return obj().put("fileData", obj().put("fileUri", url)).build();
  }

  /** Gemini wants an object as the function response; plain-text results are wrapped. */
  private static JsonObject toolResponse(String text) {
    if (text != null) {
      try {
        return JsonSupport.parseObject(text);
      } catch (RuntimeException notAnObject) {
        // falls through to wrapping
      }
    }
    return obj().put("result", text == null ? "" : text).build();
  }

  static JsonObject schema(JsonObject schema) {
    JsonObjectBuilder b = JSON.createObjectBuilder();
    schema.forEach(
        (key, value) -> {
          if (!UNSUPPORTED_SCHEMA_KEYS.contains(key)) {
            b.add(key, strip(value));
          }
        });
    return b.build();
  }

  private static JsonValue strip(JsonValue v) {
    if (v instanceof JsonObject o) {
      return schema(o);
    }
    if (v.getValueType() == JsonValue.ValueType.ARRAY) {
      JsonArrayBuilder a = JSON.createArrayBuilder();
      v.asJsonArray().forEach(item -> a.add(strip(item)));
      return a.build();
    }
    return v;
  }

  static ChatResponse response(JsonObject o) {
    List<ChatChoice> choices = new ArrayList<>();
    for (JsonValue v : array(o, "candidates")) {
      JsonObject c = v.asJsonObject();
      StringBuilder text = new StringBuilder();
      List<ToolCall> calls = new ArrayList<>();
      for (JsonValue p : array(object(c, "content"), "parts")) {
        JsonObject part = p.asJsonObject();
        if (part.getBoolean("thought", false)) {
          continue; // thought summaries are not the answer
        }
        String t = string(part, "text");
        if (t != null) {
          text.append(t);
        }
        JsonObject call = object(part, "functionCall");
        if (call != null) {
          calls.add(toolCall(call));
        }
      }
      FinishReason finish =
          calls.isEmpty() ? finishReason(string(c, "finishReason")) : FinishReason.TOOL_CALLS;
      choices.add(
          new ChatChoice(
              integer(c, "index"),
              ChatMessage.assistant(text.length() == 0 ? null : text.toString(), calls),
              finish));
    }
    if (choices.isEmpty() && object(o, "promptFeedback") != null) {
      // The prompt itself was blocked: no candidates at all.
      choices.add(new ChatChoice(0, ChatMessage.assistant(null), FinishReason.CONTENT_FILTER));
    }
    return new ChatResponse(string(o, "responseId"), string(o, "modelVersion"), choices, usage(o));
  }

  static ToolCall toolCall(JsonObject call) {
    String id = string(call, "id");
    JsonObject args = object(call, "args");
    return new ToolCall(
        id != null ? id : "call_" + UUID.randomUUID().toString().replace("-", ""),
        call.getString("name"),
        args == null ? "{}" : args.toString());
  }

  static FinishReason finishReason(String reason) {
    if (reason == null) {
      return null;
    }
    return switch (reason) {
      case "MAX_TOKENS" -> FinishReason.LENGTH;
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" ->
          FinishReason.CONTENT_FILTER;
      case "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL" -> FinishReason.TOOL_CALLS;
      default -> FinishReason.STOP; // STOP, OTHER, LANGUAGE, FINISH_REASON_UNSPECIFIED
    };
  }

  /** Thinking tokens are billed as output, as OpenAI counts reasoning tokens. */
  static Usage usage(JsonObject o) {
    JsonObject u = object(o, "usageMetadata");
    if (u == null) {
      return null;
    }
    return new Usage(
        integer(u, "promptTokenCount"),
        integer(u, "candidatesTokenCount") + integer(u, "thoughtsTokenCount"),
        integer(u, "cachedContentTokenCount"));
  }
}
