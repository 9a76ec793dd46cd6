package dev.tessera.billing.api;

/**
 * A hold that stands: how much it took and what remained available after it. {@code duplicate}:
 * this request id already held, nothing more was taken.
 */
public record Hold(String requestId, long amount, long available, boolean duplicate) {}
