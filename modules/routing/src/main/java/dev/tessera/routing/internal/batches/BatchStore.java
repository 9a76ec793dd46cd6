package dev.tessera.routing.internal.batches;

import dev.tessera.routing.api.BatchLineResult;
import dev.tessera.routing.api.BatchPage;
import dev.tessera.routing.api.BatchRequestLine;
import dev.tessera.routing.api.BatchView;
import dev.tessera.routing.api.NewBatch;
import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Batch jobs in the tenant's own tables ({@code batches}, {@code batch_lines}), always inside a
 * transaction pinned to the tenant: what the API writes and reads.
 */
@ApplicationScoped
class BatchStore {
  private static final JsonProvider JSON = JsonProvider.provider();
  private static final int RESULT_PAGE = 500;

  static final String VIEW =
      "SELECT b.id, b.endpoint, b.status, b.completion_window, b.total, b.metadata::text, "
          + "b.webhook_url, b.errors->>'code', b.errors->>'message', b.created_at, "
          + "b.in_progress_at, b.finished_at, b.expires_at, "
          + "(SELECT count(*) FROM public.batch_lines l WHERE l.tenant_id = b.tenant_id "
          + "  AND l.batch_id = b.id AND l.status = 'succeeded'), "
          + "(SELECT count(*) FROM public.batch_lines l WHERE l.tenant_id = b.tenant_id "
          + "  AND l.batch_id = b.id AND l.status = 'failed') "
          + "FROM public.batches b ";

  @Inject TenantData data;

  /** Writes the job and all its lines in one transaction: all or nothing. */
  void insert(TenantId tenant, UUID id, UUID keyId, NewBatch b, Instant expiresAt) {
    data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO public.batches (tenant_id, id, api_key_id, endpoint, status, "
                      + "completion_window, metadata, webhook_url, total, expires_at) "
                      + "VALUES (?, ?, ?, ?, 'in_progress', ?, ?::jsonb, ?, ?, ?)")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, id);
            ps.setObject(3, keyId);
            ps.setString(4, b.endpoint());
            ps.setString(5, b.completionWindow());
            JsonObjectBuilder metadata = JSON.createObjectBuilder();
            b.metadata().forEach(metadata::add);
            ps.setString(6, metadata.build().toString());
            ps.setString(7, b.webhookUrl());
            ps.setInt(8, b.requests().size());
            ps.setTimestamp(9, Timestamp.from(expiresAt));
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO public.batch_lines (tenant_id, batch_id, line_no, custom_id, body, "
                      + "status) VALUES (?, ?, ?, ?, ?, 'pending')")) {
            int n = 0;
            for (BatchRequestLine line : b.requests()) {
              ps.setObject(1, tenant.value());
              ps.setObject(2, id);
              ps.setInt(3, n++);
              ps.setString(4, line.customId());
              ps.setString(5, line.body());
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return null;
        });
  }

  Optional<BatchView> find(TenantId tenant, UUID id) {
    return data.inTenant(tenant, c -> find(c, tenant, id));
  }

  BatchView get(TenantId tenant, UUID id) {
    return find(tenant, id)
        .orElseThrow(() -> new NotFoundException("batch", BatchIds.external(id)));
  }

  static Optional<BatchView> find(Connection c, TenantId tenant, UUID id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(VIEW + "WHERE b.tenant_id = ? AND b.id = ?")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(view(rs)) : Optional.empty();
      }
    }
  }

  /** Newest first; {@code after} is the last batch of the previous page. */
  BatchPage list(TenantId tenant, UUID after, int limit) {
    return data.inTenant(
        tenant,
        c -> {
          String where =
              after == null
                  ? "WHERE b.tenant_id = ? "
                  : "WHERE b.tenant_id = ? AND (b.created_at, b.id) < (SELECT a.created_at, a.id "
                      + "FROM public.batches a WHERE a.tenant_id = b.tenant_id AND a.id = ?) ";
          try (PreparedStatement ps =
              c.prepareStatement(VIEW + where + "ORDER BY b.created_at DESC, b.id DESC LIMIT ?")) {
            int i = 1;
            ps.setObject(i++, tenant.value());
            if (after != null) {
              ps.setObject(i++, after);
            }
            ps.setInt(i, limit + 1);
            List<BatchView> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(view(rs));
              }
            }
            boolean more = out.size() > limit;
            return new BatchPage(more ? out.subList(0, limit) : out, more);
          }
        });
  }

  /** Marks a running job cancelled; a finished one is a conflict. */
  BatchView cancel(TenantId tenant, UUID id) {
    return data.inTenant(
        tenant,
        c -> {
          BatchView now =
              find(c, tenant, id)
                  .orElseThrow(() -> new NotFoundException("batch", BatchIds.external(id)));
          if (now.finished()) {
            throw new ConflictException("The batch is already " + now.status() + ".");
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE public.batches SET status = 'cancelled', finished_at = now() "
                      + "WHERE tenant_id = ? AND id = ? AND status = 'in_progress'")) {
            ps.setObject(1, tenant.value());
            ps.setObject(2, id);
            ps.executeUpdate();
          }
          return find(c, tenant, id).orElseThrow();
        });
  }

  /** Every answered line in line order, a page per transaction. */
  void results(TenantId tenant, UUID id, Consumer<BatchLineResult> sink) {
    int after = -1;
    while (true) {
      int from = after;
      List<BatchLineResult> page =
          data.inTenant(
              tenant,
              c -> {
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "SELECT line_no, custom_id, request_id, status, status_code, response_body, "
                            + "error_code, error_message FROM public.batch_lines "
                            + "WHERE tenant_id = ? AND batch_id = ? AND line_no > ? "
                            + "AND status <> 'pending' ORDER BY line_no LIMIT ?")) {
                  ps.setObject(1, tenant.value());
                  ps.setObject(2, id);
                  ps.setInt(3, from);
                  ps.setInt(4, RESULT_PAGE);
                  List<BatchLineResult> out = new ArrayList<>();
                  try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                      out.add(
                          new BatchLineResult(
                              rs.getInt(1),
                              rs.getString(2),
                              rs.getString(3),
                              "succeeded".equals(rs.getString(4)),
                              rs.getInt(5),
                              rs.getString(6),
                              rs.getString(7),
                              rs.getString(8)));
                    }
                  }
                  return out;
                }
              });
      page.forEach(sink);
      if (page.size() < RESULT_PAGE) {
        return;
      }
      after = page.get(page.size() - 1).line();
    }
  }

  static BatchView view(ResultSet rs) throws SQLException {
    return new BatchView(
        BatchIds.external(rs.getObject(1, UUID.class)),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getInt(5),
        rs.getInt(14),
        rs.getInt(15),
        metadata(rs.getString(6)),
        rs.getString(7),
        rs.getString(8),
        rs.getString(9),
        instant(rs.getTimestamp(10)),
        instant(rs.getTimestamp(11)),
        instant(rs.getTimestamp(12)),
        instant(rs.getTimestamp(13)));
  }

  private static Map<String, String> metadata(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    if (json != null) {
      try (JsonReader r = JSON.createReader(new StringReader(json))) {
        JsonObject o = r.readObject();
        o.forEach((k, v) -> out.put(k, v instanceof JsonString s ? s.getString() : v.toString()));
      }
    }
    return out;
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }
}
