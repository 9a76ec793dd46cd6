package dev.tessera.routing.internal.batches;

import dev.tessera.tenancy.api.PlatformData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The durable queue ({@code platform.batch_queue}): which job runs where until when. Holds no
 * tenant content, so it lives in the shared database and workers read it without pinning a tenant.
 * A claim leases one due job with {@code FOR UPDATE SKIP LOCKED}; a lease that is not renewed
 * expires, and the job is claimed again (here after a restart, or by another instance).
 */
@ApplicationScoped
class BatchQueue {
  /** Serialises claims (only claims), so the per-tenant cap counts what concurrent claims took. */
  private static final long CLAIM_LOCK = 0x7465737365726142L;

  @Inject PlatformData platform;

  /** A leased job: whose it is, and how many claims (attempts) it has had, this one included. */
  record Claim(UUID job, TenantId tenant, int attempts) {}

  /** First half of a submission: the row exists but is not yet claimable. */
  void reserve(UUID job, TenantId tenant) {
    update(
        "INSERT INTO platform.batch_queue (job_id, tenant_id, status) VALUES (?, ?, 'submitting')",
        job,
        tenant.value());
  }

  /** Second half: the tenant's rows are written, the job may run. */
  void release(UUID job) {
    update(
        "UPDATE platform.batch_queue SET status = 'queued', next_attempt_at = now(), "
            + "updated_at = now() WHERE job_id = ? AND status = 'submitting'",
        job);
  }

  /** The submission failed before the tenant's rows were written. */
  void forget(UUID job) {
    update("DELETE FROM platform.batch_queue WHERE job_id = ? AND status = 'submitting'", job);
  }

  /**
   * Leases the next due job whose tenant runs fewer than {@code tenantCap} jobs: queued and due,
   * running with an expired lease (its instance died or stalled), or a submission older than a
   * lease that never completed (its instance died between the two writes).
   */
  Optional<Claim> claim(String owner, Duration lease, int tenantCap) {
    return platform.inPlatform(
        c -> {
          try (Statement lock = c.createStatement()) {
            lock.execute("SELECT pg_advisory_xact_lock(" + CLAIM_LOCK + ")");
          }
          UUID job;
          TenantId tenant;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "WITH running AS (SELECT tenant_id, count(*) AS n FROM platform.batch_queue "
                      + "  WHERE status = 'running' AND lease_expires_at > now() GROUP BY tenant_id) "
                      + "SELECT q.job_id, q.tenant_id FROM platform.batch_queue q "
                      + "LEFT JOIN running r ON r.tenant_id = q.tenant_id "
                      + "WHERE q.status IN ('submitting', 'queued', 'running') "
                      + "AND ((q.status = 'queued' AND q.next_attempt_at <= now()) "
                      + "  OR (q.status = 'running' AND q.lease_expires_at <= now()) "
                      + "  OR (q.status = 'submitting' AND q.created_at <= now() - make_interval(secs => ?))) "
                      + "AND coalesce(r.n, 0) < ? "
                      + "ORDER BY q.next_attempt_at, q.created_at LIMIT 1 "
                      + "FOR UPDATE OF q SKIP LOCKED")) {
            ps.setDouble(1, lease.toMillis() / 1000.0);
            ps.setInt(2, tenantCap);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              job = rs.getObject(1, UUID.class);
              tenant = new TenantId(rs.getObject(2, UUID.class));
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE platform.batch_queue SET status = 'running', attempts = attempts + 1, "
                      + "lease_owner = ?, lease_expires_at = now() + make_interval(secs => ?), "
                      + "updated_at = now() WHERE job_id = ? RETURNING attempts")) {
            ps.setString(1, owner);
            ps.setDouble(2, lease.toMillis() / 1000.0);
            ps.setObject(3, job);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return Optional.of(new Claim(job, tenant, rs.getInt(1)));
            }
          }
        });
  }

  /** Extends the leases of {@code jobs}; returns those this owner still holds. */
  Set<UUID> renew(String owner, Collection<UUID> jobs, Duration lease) {
    if (jobs.isEmpty()) {
      return Set.of();
    }
    return platform.inPlatform(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE platform.batch_queue SET lease_expires_at = now() + make_interval(secs => ?), "
                      + "updated_at = now() WHERE job_id = ANY (?) AND lease_owner = ? "
                      + "AND status = 'running' RETURNING job_id")) {
            ps.setDouble(1, lease.toMillis() / 1000.0);
            ps.setArray(2, c.createArrayOf("uuid", jobs.toArray()));
            ps.setString(3, owner);
            Set<UUID> held = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                held.add(rs.getObject(1, UUID.class));
              }
            }
            return held;
          }
        });
  }

  /**
   * Gives the job back to run again after {@code delay}; {@code refund} does not count the claim.
   */
  void requeue(UUID job, String owner, Duration delay, boolean refund) {
    update(
        "UPDATE platform.batch_queue SET status = 'queued', lease_owner = NULL, "
            + "lease_expires_at = NULL, next_attempt_at = now() + make_interval(secs => ?), "
            + "attempts = attempts - ?, updated_at = now() "
            + "WHERE job_id = ? AND lease_owner = ? AND status = 'running'",
        delay.toMillis() / 1000.0,
        refund ? 1 : 0,
        job,
        owner);
  }

  /** The job is over: finished ({@code done}) or dead-lettered ({@code dead}). */
  void finish(UUID job, String owner, boolean dead) {
    update(
        "UPDATE platform.batch_queue SET status = ?, lease_owner = NULL, lease_expires_at = NULL, "
            + "updated_at = now() WHERE job_id = ? AND lease_owner = ? AND status = 'running'",
        dead ? "dead" : "done",
        job,
        owner);
  }

  /** Cancelled by its owner: never claimed again; a worker running it notices and stops. */
  void close(UUID job) {
    update(
        "UPDATE platform.batch_queue SET status = 'done', lease_owner = NULL, "
            + "lease_expires_at = NULL, updated_at = now() WHERE job_id = ? AND status <> 'dead'",
        job);
  }

  private int update(String sql, Object... params) {
    return platform.inPlatform(
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
              ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
          }
        });
  }
}
