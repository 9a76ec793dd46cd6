package dev.tessera.routing.internal.adapters;

import static dev.tessera.routing.internal.adapters.JsonSupport.integer;
import static dev.tessera.routing.internal.adapters.JsonSupport.object;
import static dev.tessera.routing.internal.adapters.JsonSupport.string;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.ToolCallDelta;
import jakarta.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic's named SSE events to OpenAI chunks: {@code message_start} opens, content blocks stream
 * text or tool input JSON, {@code message_delta} carries the stop reason and output tokens, {@code
 * message_stop} ends. Block indexes count text and tool blocks together; OpenAI's tool-call index
 * counts tool calls only, hence the mapping.
 */
final class AnthropicStreamDecoder implements StreamDecoder {
  private final String schemaTool;
  private final boolean includeUsage;
  private final Map<Integer, Integer> toolIndexByBlock = new HashMap<>();
  private final Set<Integer> schemaBlocks = new HashSet<>();
  private String id;
  private String model;
  private JsonObject startUsage;
  private boolean done;

  AnthropicStreamDecoder(String schemaTool, boolean includeUsage) {
    this.schemaTool = schemaTool;
    this.includeUsage = includeUsage;
  }

  @Override
  public List<ChatChunk> decode(String event, String data) {
    JsonObject o = JsonSupport.parseObject(data);
    String type = event != null ? event : string(o, "type");
    return switch (type) {
      case "message_start" -> {
        JsonObject message = o.getJsonObject("message");
        id = string(message, "id");
        model = string(message, "model");
        startUsage = object(message, "usage");
        yield chunk(new ChunkChoice(0, MessageRole.ASSISTANT, "", null, null));
      }
      case "content_block_start" -> blockStart(o.getInt("index"), o.getJsonObject("content_block"));
      case "content_block_delta" -> blockDelta(o.getInt("index"), o.getJsonObject("delta"));
      case "message_delta" -> {
        String stop = string(object(o, "delta"), "stop_reason");
        FinishReason finish =
            schemaTool != null && "tool_use".equals(stop)
                ? FinishReason.STOP
                : AnthropicWire.finishReason(stop);
        int output = integer(object(o, "usage"), "output_tokens");
        startUsage = withOutput(startUsage, output);
        yield finish == null ? List.of() : chunk(new ChunkChoice(0, null, null, null, finish));
      }
      case "message_stop" -> {
        done = true;
        yield includeUsage && startUsage != null
            ? List.of(new ChatChunk(id, model, List.of(), AnthropicWire.usage(startUsage, null)))
            : List.of();
      }
      case "error" -> throw Failures.inBand(AnthropicAdapter.KIND, o.getJsonObject("error"));
      default -> List.of(); // ping, content_block_stop, and event types added later
    };
  }

  private List<ChatChunk> blockStart(int index, JsonObject block) {
    String type = block.getString("type");
    if ("text".equals(type)) {
      String text = string(block, "text");
      return text == null || text.isEmpty() ? List.of() : chunk(ChunkChoice.text(0, text));
    }
    if (!"tool_use".equals(type)) {
      return List.of();
    }
    if (block.getString("name").equals(schemaTool)) {
      schemaBlocks.add(index);
      return List.of();
    }
    int toolIndex = toolIndexByBlock.size();
    toolIndexByBlock.put(index, toolIndex);
    var delta = new ToolCallDelta(toolIndex, block.getString("id"), block.getString("name"), "");
    return chunk(new ChunkChoice(0, null, null, List.of(delta), null));
  }

  private List<ChatChunk> blockDelta(int index, JsonObject delta) {
    switch (delta.getString("type")) {
      case "text_delta":
        return chunk(ChunkChoice.text(0, delta.getString("text")));
      case "input_json_delta":
        String json = delta.getString("partial_json");
        if (schemaBlocks.contains(index)) {
          return chunk(ChunkChoice.text(0, json)); // the schema tool's input is the answer
        }
        Integer toolIndex = toolIndexByBlock.get(index);
        if (toolIndex == null) {
          throw new IllegalStateException("input_json_delta for unknown block " + index);
        }
        var d = new ToolCallDelta(toolIndex, null, null, json);
        return chunk(new ChunkChoice(0, null, null, List.of(d), null));
      default:
        return List.of(); // thinking_delta, signature_delta: not part of the answer
    }
  }

  private List<ChatChunk> chunk(ChunkChoice choice) {
    return List.of(new ChatChunk(id, model, List.of(choice), null));
  }

  private static JsonObject withOutput(JsonObject usage, int outputTokens) {
    var b =
        JsonSupport.JSON.createObjectBuilder(usage == null ? JsonObject.EMPTY_JSON_OBJECT : usage);
    return b.add("output_tokens", outputTokens).build();
  }

  @Override
  public boolean finished() {
    return done;
  }
}
