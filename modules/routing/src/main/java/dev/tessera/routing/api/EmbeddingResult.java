package dev.tessera.routing.api;

/** Embeddings and the model that produced them. */
public record EmbeddingResult(
    EmbeddingResponse response, String requestedModel, String servedModel, CacheStatus cache) {}
