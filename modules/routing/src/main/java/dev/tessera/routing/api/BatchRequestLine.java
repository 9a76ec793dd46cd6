package dev.tessera.routing.api;

/** One request of a batch: the caller's id for it and the request body as JSON text. */
public record BatchRequestLine(String customId, String body) {}
