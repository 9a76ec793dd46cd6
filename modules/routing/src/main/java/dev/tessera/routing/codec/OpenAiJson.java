package dev.tessera.routing.codec;

import dev.tessera.routing.api.ChatChoice;
import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.Embedding;
import dev.tessera.routing.api.EmbeddingResponse;
import dev.tessera.routing.api.ModelInfo;
import dev.tessera.routing.api.ToolCall;
import dev.tessera.routing.api.ToolCallDelta;
import dev.tessera.routing.api.Usage;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import java.util.List;

/**
 * Writes the gateway's records in OpenAI's response shapes: the /v1 API's bodies, and the form in
 * which cached answers are kept.
 */
public final class OpenAiJson {
  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  private OpenAiJson() {}

  public static JsonObject chat(ChatResponse r, long created) {
    JsonArrayBuilder choices = JSON.createArrayBuilder();
    for (ChatChoice c : r.choices()) {
      JsonObjectBuilder message = JSON.createObjectBuilder().add("role", "assistant");
      String text = c.message().text();
      if (text == null || (text.isEmpty() && !c.message().toolCalls().isEmpty())) {
        message.addNull("content");
      } else {
        message.add("content", text);
      }
      if (!c.message().toolCalls().isEmpty()) {
        message.add("tool_calls", toolCalls(c.message().toolCalls()));
      }
      message.addNull("refusal");
      JsonObjectBuilder choice =
          JSON.createObjectBuilder()
              .add("index", c.index())
              .add("message", message)
              .addNull("logprobs");
      if (c.finishReason() == null) {
        choice.addNull("finish_reason");
      } else {
        choice.add("finish_reason", c.finishReason().wireName());
      }
      choices.add(choice);
    }
    return JSON.createObjectBuilder()
        .add("id", r.id())
        .add("object", "chat.completion")
        .add("created", created)
        .add("model", r.model())
        .add("choices", choices)
        .add("usage", usage(r.usage()))
        .build();
  }

  public static JsonObject chunk(ChatChunk c, String id, long created) {
    JsonArrayBuilder choices = JSON.createArrayBuilder();
    for (ChunkChoice ch : c.choices()) {
      JsonObjectBuilder delta = JSON.createObjectBuilder();
      if (ch.role() != null) {
        delta.add("role", ch.role().wireName());
      }
      if (ch.content() != null) {
        delta.add("content", ch.content());
      }
      if (!ch.toolCalls().isEmpty()) {
        JsonArrayBuilder calls = JSON.createArrayBuilder();
        for (ToolCallDelta d : ch.toolCalls()) {
          JsonObjectBuilder call = JSON.createObjectBuilder().add("index", d.index());
          if (d.id() != null) {
            call.add("id", d.id()).add("type", "function");
          }
          JsonObjectBuilder f = JSON.createObjectBuilder();
          if (d.name() != null) {
            f.add("name", d.name());
          }
          f.add("arguments", d.arguments() == null ? "" : d.arguments());
          calls.add(call.add("function", f));
        }
        delta.add("tool_calls", calls);
      }
      JsonObjectBuilder choice =
          JSON.createObjectBuilder().add("index", ch.index()).add("delta", delta);
      if (ch.finishReason() == null) {
        choice.addNull("finish_reason");
      } else {
        choice.add("finish_reason", ch.finishReason().wireName());
      }
      choices.add(choice);
    }
    JsonObjectBuilder b =
        JSON.createObjectBuilder()
            .add("id", id)
            .add("object", "chat.completion.chunk")
            .add("created", created)
            .add("model", c.model())
            .add("choices", choices);
    if (c.usage() != null) {
      b.add("usage", usage(c.usage()));
    }
    return b.build();
  }

  public static JsonObject embeddings(EmbeddingResponse r) {
    return embeddings(r, false);
  }

  /**
   * Embeddings as float arrays, or with {@code base64} as little-endian float32 bytes in base64
   * (what the official SDKs ask for by default, to save bandwidth).
   */
  public static JsonObject embeddings(EmbeddingResponse r, boolean base64) {
    JsonArrayBuilder data = JSON.createArrayBuilder();
    for (Embedding e : r.data()) {
      JsonObjectBuilder item =
          JSON.createObjectBuilder().add("object", "embedding").add("index", e.index());
      float[] v = e.vector();
      if (base64) {
        java.nio.ByteBuffer bytes =
            java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
          bytes.putFloat(f);
        }
        item.add("embedding", java.util.Base64.getEncoder().encodeToString(bytes.array()));
      } else {
        JsonArrayBuilder vector = JSON.createArrayBuilder();
        for (float f : v) {
          vector.add((double) f);
        }
        item.add("embedding", vector);
      }
      data.add(item);
    }
    return JSON.createObjectBuilder()
        .add("object", "list")
        .add("data", data)
        .add("model", r.model())
        .add(
            "usage",
            JSON.createObjectBuilder()
                .add("prompt_tokens", r.usage().promptTokens())
                .add("total_tokens", r.usage().promptTokens()))
        .build();
  }

  public static JsonObject models(List<ModelInfo> models) {
    JsonArrayBuilder data = JSON.createArrayBuilder();
    for (ModelInfo m : models) {
      data.add(model(m));
    }
    return JSON.createObjectBuilder().add("object", "list").add("data", data).build();
  }

  public static JsonObject model(ModelInfo m) {
    return JSON.createObjectBuilder()
        .add("id", m.id())
        .add("object", "model")
        .add("created", m.createdEpochSeconds())
        .add("owned_by", m.ownedBy())
        .build();
  }

  private static JsonArrayBuilder toolCalls(List<ToolCall> calls) {
    JsonArrayBuilder out = JSON.createArrayBuilder();
    for (ToolCall c : calls) {
      out.add(
          JSON.createObjectBuilder()
              .add("id", c.id())
              .add("type", "function")
              .add(
                  "function",
                  JSON.createObjectBuilder()
                      .add("name", c.name())
                      .add("arguments", c.arguments())));
    }
    return out;
  }

  private static JsonObject usage(Usage u) {
    return JSON.createObjectBuilder()
        .add("prompt_tokens", u.promptTokens())
        .add("completion_tokens", u.completionTokens())
        .add("total_tokens", u.totalTokens())
        .add(
            "prompt_tokens_details",
            JSON.createObjectBuilder().add("cached_tokens", u.cachedTokens()))
        .build();
  }
}
