package dev.tessera.billing.api;

/**
 * How a request's hold ended. {@code outcome}: {@code SETTLED} now, or {@code ALREADY_SETTLED} /
 * {@code ALREADY_RELEASED} when a retried settle found it done (nothing more charged).
 */
public record Settlement(String requestId, String outcome, long charged) {}
