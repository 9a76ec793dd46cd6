package dev.tessera.routing.api;

import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.Tier;
import java.util.UUID;

/**
 * Who is calling the gateway, for which request, until when, and what fallback they consent to
 * ({@code null}: the platform default).
 */
public record GatewayCall(
    TenantId tenant,
    Tier tier,
    UUID keyId,
    String requestId,
    Deadline deadline,
    Fallback fallback) {}
