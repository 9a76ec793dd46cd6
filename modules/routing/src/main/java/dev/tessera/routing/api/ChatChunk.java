package dev.tessera.routing.api;

import java.util.List;

/**
 * One streamed piece of a chat answer, the OpenAI {@code chat.completion.chunk}. The usage-only
 * final chunk (when {@code includeUsage}) has no choices and a non-null {@code usage}.
 */
public record ChatChunk(String id, String model, List<ChunkChoice> choices, Usage usage) {
  public ChatChunk {
    choices = choices == null ? List.of() : List.copyOf(choices);
  }
}
