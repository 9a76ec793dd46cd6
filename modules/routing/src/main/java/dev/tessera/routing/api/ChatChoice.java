package dev.tessera.routing.api;

/** One alternative answer of a non-streamed completion. */
public record ChatChoice(int index, ChatMessage message, FinishReason finishReason) {}
