package dev.tessera.governance.api;

import java.time.Instant;
import java.util.UUID;

/** One recorded entry of a tenant's audit chain, hashes in lowercase hex. */
public record AuditEntry(
    long seq,
    UUID id,
    Instant createdAt,
    String actor,
    String address,
    String action,
    String targetType,
    String targetId,
    String before,
    String after,
    String reference,
    String prevHash,
    String entryHash) {}
