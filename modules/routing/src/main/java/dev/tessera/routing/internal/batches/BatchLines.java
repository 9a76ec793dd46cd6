package dev.tessera.routing.internal.batches;

import dev.tessera.routing.api.BatchView;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What workers read and write of a job in the tenant's tables. Every answer is written only while
 * the line is still pending, so a line is answered exactly once even when two instances briefly
 * both run the job (a lease that expired under a stalled worker).
 */
@ApplicationScoped
class BatchLines {
  @Inject TenantData data;

  /** What a worker needs to know of the job before running it. */
  record Head(String status, UUID keyId, Instant expiresAt) {}

  /** A line still waiting for its answer. */
  record Pending(int line, String body, int attempts) {}

  Optional<Head> head(TenantId tenant, UUID job) {
    return data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE public.batches SET in_progress_at = coalesce(in_progress_at, now()) "
                      + "WHERE tenant_id = ? AND id = ? RETURNING status, api_key_id, expires_at")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, job);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next()
                  ? Optional.of(
                      new Head(
                          rs.getString(1),
                          rs.getObject(2, UUID.class),
                          rs.getTimestamp(3).toInstant()))
                  : Optional.empty();
            }
          }
        });
  }

  String status(TenantId tenant, UUID job) {
    return head(tenant, job).map(Head::status).orElse("cancelled");
  }

  List<Pending> pending(TenantId tenant, UUID job, int afterLine, int limit) {
    return data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT line_no, body, attempts FROM public.batch_lines WHERE tenant_id = ? "
                      + "AND batch_id = ? AND status = 'pending' AND line_no > ? "
                      + "ORDER BY line_no LIMIT ?")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, job);
            ps.setInt(3, afterLine);
            ps.setInt(4, limit);
            List<Pending> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new Pending(rs.getInt(1), rs.getString(2), rs.getInt(3)));
              }
            }
            return out;
          }
        });
  }

  /** The model's answer; false when the line was already answered. */
  boolean succeeded(TenantId tenant, UUID job, int line, String requestId, String body) {
    return answer(tenant, job, line, "succeeded", requestId, 200, body, null, null);
  }

  /** A final error for the line: retrying cannot help. */
  boolean failed(TenantId tenant, UUID job, int line, String requestId, LineFailure f) {
    return answer(tenant, job, line, "failed", requestId, f.status(), null, f.code(), f.message());
  }

  /** A retryable failure: the line stays pending, its attempt and last error noted. */
  void retryLater(TenantId tenant, UUID job, int line, LineFailure f) {
    data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE public.batch_lines SET attempts = attempts + 1, last_error = ?, "
                      + "status_code = ? WHERE tenant_id = ? AND batch_id = ? AND line_no = ? "
                      + "AND status = 'pending'")) {
            ps.setString(1, f.summary());
            ps.setInt(2, f.status());
            ps.setObject(3, tenant.value());
            ps.setObject(4, job);
            ps.setInt(5, line);
            return ps.executeUpdate();
          }
        });
  }

  private boolean answer(
      TenantId tenant,
      UUID job,
      int line,
      String status,
      String requestId,
      int code,
      String body,
      String errorCode,
      String errorMessage) {
    return data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE public.batch_lines SET status = ?, request_id = ?, status_code = ?, "
                      + "response_body = ?, error_code = ?, error_message = ?, attempts = attempts + 1, "
                      + "finished_at = now() WHERE tenant_id = ? AND batch_id = ? AND line_no = ? "
                      + "AND status = 'pending'")) {
            ps.setString(1, status);
            ps.setString(2, requestId);
            ps.setInt(3, code);
            ps.setString(4, body);
            ps.setString(5, errorCode);
            ps.setString(6, errorMessage);
            ps.setObject(7, tenant.value());
            ps.setObject(8, job);
            ps.setInt(9, line);
            return ps.executeUpdate() == 1;
          }
        });
  }

  /**
   * Ends a running job with {@code status}. With an error code, the lines still pending are
   * dead-lettered (failed with their last error); without, a cancelled or expired job leaves them
   * unanswered. Returns the job as it ends, or empty when it had already ended.
   */
  Optional<BatchView> finish(
      TenantId tenant, UUID job, String status, String errorCode, String errorMessage) {
    return data.inTenant(
        tenant,
        c -> {
          if ("failed".equals(status)) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE public.batch_lines SET status = 'failed', error_code = ?, "
                        + "error_message = coalesce(last_error, ?), "
                        + "status_code = coalesce(status_code, 500), finished_at = now() "
                        + "WHERE tenant_id = ? AND batch_id = ? AND status = 'pending'")) {
              ps.setString(1, errorCode);
              ps.setString(2, errorMessage);
              ps.setObject(3, tenant.value());
              ps.setObject(4, job);
              ps.executeUpdate();
            }
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE public.batches SET status = ?, finished_at = now(), errors = CASE "
                      + "WHEN ?::text IS NULL THEN NULL ELSE jsonb_build_object('code', ?::text, "
                      + "'message', ?::text) END WHERE tenant_id = ? AND id = ? "
                      + "AND status = 'in_progress'")) {
            ps.setString(1, status);
            ps.setString(2, errorCode);
            ps.setString(3, errorCode);
            ps.setString(4, errorMessage);
            ps.setObject(5, tenant.value());
            ps.setObject(6, job);
            if (ps.executeUpdate() == 0) {
              return Optional.empty();
            }
          }
          return BatchStore.find(c, tenant, job);
        });
  }

  int countPending(TenantId tenant, UUID job) {
    return data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT count(*) FROM public.batch_lines WHERE tenant_id = ? AND batch_id = ? "
                      + "AND status = 'pending'")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, job);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return rs.getInt(1);
            }
          }
        });
  }
}
