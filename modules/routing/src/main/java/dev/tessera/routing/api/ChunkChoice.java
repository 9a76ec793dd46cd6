package dev.tessera.routing.api;

import java.util.List;

/** The change to one choice carried by a stream chunk; absent fields are {@code null}. */
public record ChunkChoice(
    int index,
    MessageRole role,
    String content,
    List<ToolCallDelta> toolCalls,
    FinishReason finishReason) {
  public ChunkChoice {
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
  }

  /** A text delta. */
  public static ChunkChoice text(int index, String content) {
    return new ChunkChoice(index, null, content, null, null);
  }
}
