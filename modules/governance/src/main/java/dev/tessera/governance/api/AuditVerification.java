package dev.tessera.governance.api;

/**
 * The outcome of walking a tenant's audit chain: how many entries were checked, the first broken
 * entry (null when the chain is intact) and why, and the newest signed checkpoint the chain was
 * held against.
 */
public record AuditVerification(
    boolean intact,
    long entriesChecked,
    Long firstBrokenSeq,
    String problem,
    Long lastCheckpointSeq,
    long millis) {}
