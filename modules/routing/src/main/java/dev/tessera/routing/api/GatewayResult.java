package dev.tessera.routing.api;

/** A chat answer and where it came from: the model asked for and the model that served. */
public record GatewayResult(
    ChatResponse response, String requestedModel, String servedModel, CacheStatus cache) {}
