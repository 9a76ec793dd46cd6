package dev.tessera.billing.api;

import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.Tier;
import java.time.Instant;
import java.util.UUID;

/**
 * A hold on the worst-case cost of one request, taken before its provider is called: the request's
 * estimated input plus the most output it may produce, at the requested model's price. {@code
 * keyId} and {@code tag} select the budgets it counts against; {@code expiresAt} is when the reaper
 * may release it if the request never settles.
 */
public record HoldRequest(
    TenantId tenant,
    Tier tier,
    String requestId,
    UUID keyId,
    String tag,
    String model,
    Price price,
    long inputTokens,
    long maxOutputTokens,
    Instant expiresAt) {}
