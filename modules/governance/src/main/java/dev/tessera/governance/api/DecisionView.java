package dev.tessera.governance.api;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A recorded decision. {@code input} is the masked input as sent upstream, null when the tenant
 * stores no prompts (then only {@code inputSha256} is kept) or nothing was sent. {@code cost}: the
 * micro-credits the ledger charged (0 for free models, cache hits priced by the cache policy,
 * refused or failed calls), null when the settle failed and the charge was left to the reaper.
 */
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
    List<DecisionAttempt> attempts,
    Integer fallbacks,
    String cache,
    DecisionGuardrails guardrails,
    Integer tokensIn,
    Integer tokensOut,
    Long cost,
    Integer latencyMillis,
    String outcome,
    String error,
    boolean streamed) {}
