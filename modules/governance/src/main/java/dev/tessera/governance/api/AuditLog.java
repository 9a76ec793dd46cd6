package dev.tessera.governance.api;

import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantId;
import java.sql.Connection;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A tenant's append-only, hash-chained audit log. Entries are numbered and chained by the database
 * (the application cannot write the table directly); {@link #verify} walks the chain and checks its
 * signed checkpoints.
 */
public interface AuditLog {
  /** Appends an entry in its own transaction and answers its sequence number. */
  long record(TenantId tenant, Actor actor, AuditEvent event);

  /**
   * Appends an entry in the caller's tenant transaction, so it commits (or not) with the action it
   * records.
   */
  long record(Connection tenantConnection, Actor actor, AuditEvent event);

  Page<AuditEntry> list(TenantId tenant, AuditQuery query, PageRequest page);

  /** Streams every matching entry, oldest first, without holding them all in memory. */
  void export(TenantId tenant, AuditQuery query, Consumer<AuditEntry> sink);

  /** Walks the whole chain; the first broken entry, or none. */
  AuditVerification verify(TenantId tenant);

  /** Signs a checkpoint of the chain's current head now (empty when the log is empty). */
  Optional<AuditCheckpoint> checkpoint(TenantId tenant);
}
