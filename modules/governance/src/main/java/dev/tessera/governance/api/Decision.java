package dev.tessera.governance.api;

import dev.tessera.governance.api.safety.SafetyVerdicts;
import dev.tessera.tenancy.api.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What decided one model request's answer, as the gateway's caller reports it. {@code input}
 * renders the input exactly as it left for the provider (PII already masked or redacted by the
 * tenant's policy); it is called only by the log's writer, off the request path, which stores the
 * text or, when the tenant stores no prompts, only its SHA-256 ({@code null}: nothing was sent,
 * e.g. a request safety refused). Then the prompt version, the ids of the retrieved evidence
 * ({@code null}: the call was not grounded), route and reason, served model, every upstream attempt
 * ({@code null}: not known), how many attempts went to fallbacks, the safety verdicts, tokens, the
 * credits charged, latency and outcome ({@code ok}, {@code error}, {@code blocked}, {@code
 * cancelled}). Unknown values are null.
 */
public record Decision(
    TenantId tenant,
    String requestId,
    UUID keyId,
    Instant at,
    Supplier<String> input,
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
    SafetyVerdicts guardrails,
    Integer tokensIn,
    Integer tokensOut,
    Long cost,
    long latencyMillis,
    String outcome,
    String error,
    boolean streamed) {}
