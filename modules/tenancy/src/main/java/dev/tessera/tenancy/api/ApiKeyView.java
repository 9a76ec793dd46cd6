package dev.tessera.tenancy.api;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** An API key as listed: never the secret, only its first characters. */
public record ApiKeyView(
    UUID id,
    String name,
    String prefix,
    Set<ApiKeyScope> scopes,
    Instant createdAt,
    Instant expiresAt,
    Instant revokedAt,
    Instant lastUsedAt) {}
