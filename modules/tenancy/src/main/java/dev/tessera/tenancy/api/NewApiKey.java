package dev.tessera.tenancy.api;

import java.time.Instant;
import java.util.Set;

/** A request for a key; {@code expiresAt} may be null for a key that does not expire. */
public record NewApiKey(String name, Set<ApiKeyScope> scopes, Instant expiresAt) {}
