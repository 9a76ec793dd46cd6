package dev.tessera.routing.api;

/** A model (or alias) a tenant may call, as {@code GET /v1/models} lists it. */
public record ModelInfo(
    String id, String ownedBy, String kind, String tier, long createdEpochSeconds) {}
