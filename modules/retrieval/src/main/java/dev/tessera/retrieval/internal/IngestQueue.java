package dev.tessera.retrieval.internal;

import dev.tessera.tenancy.api.PlatformData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The durable ingestion queue ({@code platform.ingest_queue}), built like the batch queue: ids and
 * scheduling only, claimed with {@code FOR UPDATE SKIP LOCKED} under a lease, claimed again when a
 * lease expires (the instance died). Every claim counts as an attempt, so a file that kills its
 * worker is dead-lettered too.
 */
@ApplicationScoped
class IngestQueue {
  @Inject PlatformData platform;

  record Claim(UUID job, TenantId tenant, UUID document, int version, int attempts) {}

  void enqueue(TenantId tenant, UUID document, int version) {
    platform.inPlatform(
        c ->
            RetrievalStore.update(
                c,
                "INSERT INTO platform.ingest_queue (job_id, tenant_id, document_id, version, status) "
                    + "VALUES (?, ?, ?, ?, 'queued')",
                UUID.randomUUID(),
                tenant.value(),
                document,
                version));
  }

  Optional<Claim> claim(String owner, Duration lease) {
    return platform.inPlatform(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE platform.ingest_queue q SET status = 'running', attempts = attempts + 1, "
                      + "lease_owner = ?, lease_expires_at = now() + make_interval(secs => ?), updated_at = now() "
                      + "WHERE job_id = (SELECT job_id FROM platform.ingest_queue "
                      + "  WHERE (status = 'queued' AND next_attempt_at <= now()) "
                      + "     OR (status = 'running' AND lease_expires_at <= now()) "
                      + "  ORDER BY next_attempt_at, created_at LIMIT 1 FOR UPDATE SKIP LOCKED) "
                      + "RETURNING job_id, tenant_id, document_id, version, attempts")) {
            ps.setString(1, owner);
            ps.setDouble(2, lease.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new Claim(
                      rs.getObject(1, UUID.class),
                      new TenantId(rs.getObject(2, UUID.class)),
                      rs.getObject(3, UUID.class),
                      rs.getInt(4),
                      rs.getInt(5)));
            }
          }
        });
  }

  void renew(UUID job, String owner, Duration lease) {
    platform.inPlatform(
        c ->
            RetrievalStore.update(
                c,
                "UPDATE platform.ingest_queue SET lease_expires_at = now() + make_interval(secs => ?) "
                    + "WHERE job_id = ? AND lease_owner = ? AND status = 'running'",
                lease.toMillis() / 1000.0,
                job,
                owner));
  }

  /** Finished ({@code dead}: dead-lettered); the row stays as the record of what happened. */
  void finish(UUID job, String owner, boolean dead) {
    platform.inPlatform(
        c ->
            RetrievalStore.update(
                c,
                "UPDATE platform.ingest_queue SET status = ?, lease_owner = NULL, lease_expires_at = NULL, "
                    + "updated_at = now() WHERE job_id = ? AND lease_owner = ?",
                dead ? "dead" : "done",
                job,
                owner));
  }

  void retryLater(UUID job, String owner, Duration delay) {
    platform.inPlatform(
        c ->
            RetrievalStore.update(
                c,
                "UPDATE platform.ingest_queue SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, "
                    + "next_attempt_at = now() + make_interval(secs => ?), updated_at = now() "
                    + "WHERE job_id = ? AND lease_owner = ?",
                delay.toMillis() / 1000.0,
                job,
                owner));
  }
}
