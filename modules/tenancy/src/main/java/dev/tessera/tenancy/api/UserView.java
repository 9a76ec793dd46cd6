package dev.tessera.tenancy.api;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** A tenant's user as listed. */
public record UserView(
    UUID id,
    String email,
    String displayName,
    Set<Role> roles,
    boolean disabled,
    Instant createdAt) {}
