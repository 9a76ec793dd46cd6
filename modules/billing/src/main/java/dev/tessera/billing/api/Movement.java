package dev.tessera.billing.api;

/**
 * A credit movement with its reason and actor. {@code idempotencyKey}: the same key records it
 * once; {@code requestId}: for a refund, the request refunded (at most what it was charged).
 */
public record Movement(
    MovementType type,
    long amount,
    String idempotencyKey,
    String requestId,
    String actor,
    String reason) {}
