package dev.tessera.governance.api;

import java.time.Instant;

/** A signed checkpoint: the chain's head at {@code seq} had hash {@code entryHash}. */
public record AuditCheckpoint(long seq, String entryHash, String keyId, Instant createdAt) {}
