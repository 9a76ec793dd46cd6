package dev.tessera.routing.api;

/**
 * A chat answer and where it came from: the model asked for, the model that served, and how it was
 * chosen ({@code primary}, {@code challenger} of a champion-challenger split, or {@code fallback}).
 */
public record GatewayResult(
    ChatResponse response,
    String requestedModel,
    String servedModel,
    CacheStatus cache,
    String route) {}
