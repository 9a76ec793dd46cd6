package dev.tessera.routing.api;

/**
 * A fragment of a streamed tool call. {@code index} identifies the call within its choice; the
 * first fragment carries {@code id} and {@code name}, later ones append to {@code arguments}.
 */
public record ToolCallDelta(int index, String id, String name, String arguments) {}
