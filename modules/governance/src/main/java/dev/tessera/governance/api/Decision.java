package dev.tessera.governance.api;

import dev.tessera.tenancy.api.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What decided one model request's answer, as the gateway's caller reports it: the input (masked by
 * the time it gets here; stored as given, or only as its SHA-256 when the tenant stores no
 * prompts), the prompt version, evidence, route and reason, served model, attempts, guardrail
 * verdicts (JSON, as governance's safety checks report them), tokens, cost, latency and outcome
 * ({@code ok}, {@code error}, {@code cancelled}). Unknown values are null.
 */
public record Decision(
    TenantId tenant,
    String requestId,
    UUID keyId,
    Instant at,
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
    String guardrailsJson,
    Integer tokensIn,
    Integer tokensOut,
    Long cost,
    long latencyMillis,
    String outcome,
    String error,
    boolean streamed) {}
