package dev.tessera.billing.api;

import java.time.Instant;
import java.util.UUID;

/** One entry of the append-only ledger, as the API shows it. */
public record LedgerEvent(
    UUID id,
    String type,
    long amount,
    long balanceDelta,
    long holdDelta,
    String requestId,
    UUID apiKeyId,
    String tag,
    String modelRequested,
    String modelServed,
    TokenCounts tokens,
    String cache,
    String actor,
    String reason,
    Instant createdAt) {}
