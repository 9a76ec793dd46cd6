package dev.tessera.governance.api;

/**
 * One upstream call made for a decided request: the catalog model and provider kind, whether it
 * went to a fallback deployment, its outcome ({@code ok}, {@code cancelled}, or the failure kind,
 * e.g. {@code server_error}), the provider's HTTP status when it failed with one, and its latency.
 */
public record DecisionAttempt(
    String model,
    String provider,
    boolean fallback,
    String outcome,
    Integer status,
    long latencyMillis) {}
