package dev.tessera.governance.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A recorded decision; {@code input} is null when the tenant stores no prompts. */
public record DecisionView(
    String requestId,
    Instant createdAt,
    UUID keyId,
    String inputSha256,
    String input,
    String promptName,
    Integer promptVersion,
    List<String> evidenceIds,
    String modelRequested,
    String modelServed,
    String route,
    String routeReason,
    Integer attempts,
    Integer fallbacks,
    String cache,
    String guardrails,
    Integer tokensIn,
    Integer tokensOut,
    Long cost,
    Integer latencyMillis,
    String outcome,
    String error,
    boolean streamed) {}
