package dev.tessera.routing.internal.adapters;

import static dev.tessera.routing.internal.adapters.JsonSupport.array;
import static dev.tessera.routing.internal.adapters.JsonSupport.integer;
import static dev.tessera.routing.internal.adapters.JsonSupport.object;
import static dev.tessera.routing.internal.adapters.JsonSupport.string;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.ToolCall;
import dev.tessera.routing.api.ToolCallDelta;
import dev.tessera.routing.api.Usage;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gemini streams whole {@code GenerateContentResponse}s, each with the next parts, and ends by
 * closing the stream: a finish reason on a candidate is the only sign the answer is complete.
 * Function calls arrive whole, so each becomes a single tool-call delta.
 */
final class GeminiStreamDecoder implements StreamDecoder {
  private final boolean includeUsage;
  private final Map<Integer, Integer> toolCallsByCandidate = new HashMap<>();
  private boolean sawFinish;
  private boolean sentRole;
  private String id;
  private String model;
  private Usage usage;

  GeminiStreamDecoder(boolean includeUsage) {
    this.includeUsage = includeUsage;
  }

  @Override
  public List<ChatChunk> decode(String event, String data) {
    JsonObject o = JsonSupport.parseObject(data);
    JsonObject error = object(o, "error");
    if (error != null) {
      throw Failures.inBand(GeminiAdapter.KIND, error);
    }
    id = id != null ? id : string(o, "responseId");
    model = model != null ? model : string(o, "modelVersion");
    Usage u = GeminiWire.usage(o);
    usage = u != null ? u : usage; // cumulative: the last one counts
    List<ChunkChoice> choices = new ArrayList<>();
    for (JsonValue v : array(o, "candidates")) {
      choices.add(choice(v.asJsonObject()));
    }
    if (choices.isEmpty() && object(o, "promptFeedback") != null) {
      sawFinish = true;
      choices.add(new ChunkChoice(0, null, null, null, FinishReason.CONTENT_FILTER));
    }
    return choices.isEmpty() ? List.of() : List.of(new ChatChunk(id, model, choices, null));
  }

  private ChunkChoice choice(JsonObject c) {
    int index = integer(c, "index");
    StringBuilder text = new StringBuilder();
    List<ToolCallDelta> calls = new ArrayList<>();
    for (JsonValue p : array(object(c, "content"), "parts")) {
      JsonObject part = p.asJsonObject();
      if (part.getBoolean("thought", false)) {
        continue;
      }
      String t = string(part, "text");
      if (t != null) {
        text.append(t);
      }
      JsonObject fn = object(part, "functionCall");
      if (fn != null) {
        ToolCall call = GeminiWire.toolCall(fn);
        int n = toolCallsByCandidate.merge(index, 1, Integer::sum) - 1;
        calls.add(new ToolCallDelta(n, call.id(), call.name(), call.arguments()));
      }
    }
    String reason = string(c, "finishReason");
    FinishReason finish = null;
    if (reason != null) {
      sawFinish = true;
      finish =
          toolCallsByCandidate.containsKey(index)
              ? FinishReason.TOOL_CALLS
              : GeminiWire.finishReason(reason);
    }
    MessageRole role = sentRole ? null : MessageRole.ASSISTANT;
    sentRole = true;
    return new ChunkChoice(index, role, text.length() == 0 ? null : text.toString(), calls, finish);
  }

  @Override
  public boolean finished() {
    return false; // only the end of the body ends a Gemini stream
  }

  @Override
  public List<ChatChunk> endOfBody() {
    if (!sawFinish) {
      return null;
    }
    return includeUsage && usage != null
        ? List.of(new ChatChunk(id, model, List.of(), usage))
        : List.of();
  }
}
