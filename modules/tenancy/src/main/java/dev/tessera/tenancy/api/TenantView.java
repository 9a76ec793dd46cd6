package dev.tessera.tenancy.api;

import java.time.Instant;

/** What the admin API shows of a tenant. */
public record TenantView(
    TenantId id,
    String slug,
    String name,
    Tier tier,
    TenantStatus status,
    TenantLimits limits,
    Instant createdAt,
    Instant purgeAfter) {}
