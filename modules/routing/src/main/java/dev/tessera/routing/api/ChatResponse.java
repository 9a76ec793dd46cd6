package dev.tessera.routing.api;

import java.util.List;

/** A complete (non-streamed) chat answer: the provider's id and model, choices, and usage. */
public record ChatResponse(String id, String model, List<ChatChoice> choices, Usage usage) {
  public ChatResponse {
    choices = List.copyOf(choices);
    usage = usage == null ? Usage.NONE : usage;
  }

  /** The first choice's message, the one callers with {@code n = 1} want. */
  public ChatMessage message() {
    return choices.get(0).message();
  }
}
