package dev.tessera.governance.internal.safety.tools;

import dev.tessera.governance.api.safety.tools.ToolExecution;
import dev.tessera.governance.api.safety.tools.ToolView;
import dev.tessera.tenancy.api.TenantId;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The SQL of the tool tables; every statement names the tenant (RLS checks it again). */
final class ToolRows {
  private static final JsonProvider JSON = JsonProvider.provider();

  static final String TOOL =
      "SELECT id, name, description, kind, url, undo_url, builtin, arguments_schema::text,"
          + " sensitive, roles, change_window, undo_window_seconds, per_key_per_minute, created_at"
          + " FROM public.tools";

  private static final String EXECUTION =
      "SELECT e.id, t.name, e.status, e.arguments::text, e.preview, e.result, e.idempotency_key,"
          + " e.requested_by, e.approved_by, e.created_at, e.undo_until"
          + " FROM public.tool_executions e JOIN public.tools t"
          + " ON t.tenant_id = e.tenant_id AND t.id = e.tool_id";

  private ToolRows() {}

  static List<ToolView> tools(PreparedStatement ps) throws SQLException {
    List<ToolView> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Array roles = rs.getArray(10);
        out.add(
            new ToolView(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getBoolean(9),
                roles == null ? List.of() : List.of((String[]) roles.getArray()),
                rs.getString(11),
                rs.getInt(12),
                (Integer) rs.getObject(13),
                rs.getTimestamp(14).toInstant()));
      }
    }
    return out;
  }

  static Optional<ToolView> byName(Connection c, TenantId tenant, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(TOOL + " WHERE tenant_id = ? AND name = ?")) {
      ps.setObject(1, tenant.value());
      ps.setString(2, name);
      return tools(ps).stream().findFirst();
    }
  }

  static Optional<ToolExecution> execution(Connection c, TenantId tenant, UUID id)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(EXECUTION + " WHERE e.tenant_id = ? AND e.id = ?")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, id);
      return executions(ps).stream().findFirst();
    }
  }

  static Optional<ToolExecution> byKey(Connection c, TenantId tenant, UUID tool, String key)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            EXECUTION + " WHERE e.tenant_id = ? AND e.tool_id = ? AND e.idempotency_key = ?")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, tool);
      ps.setString(3, key);
      return executions(ps).stream().findFirst();
    }
  }

  private static List<ToolExecution> executions(PreparedStatement ps) throws SQLException {
    List<ToolExecution> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Timestamp undo = rs.getTimestamp(11);
        out.add(
            new ToolExecution(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getTimestamp(10).toInstant(),
                undo == null ? null : undo.toInstant()));
      }
    }
    return out;
  }

  /** Executions a principal started of a tool in the last minute (its per-key cap). */
  static int recentBy(Connection c, TenantId tenant, UUID tool, String principal)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT count(*) FROM public.tool_executions WHERE tenant_id = ? AND tool_id = ?"
                + " AND requested_by = ? AND status IN ('executed', 'failed', 'undone')"
                + " AND created_at > now() - interval '1 minute'")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, tool);
      ps.setString(3, principal);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  static int insertExecution(
      Connection c,
      TenantId tenant,
      UUID id,
      UUID tool,
      String status,
      String args,
      String preview,
      String result,
      String previousState,
      String idempotencyKey,
      String requestedBy,
      String approvedBy,
      UUID approvalId,
      Instant undoUntil)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO public.tool_executions (tenant_id, id, tool_id, status, arguments, preview,"
                + " result, previous_state, idempotency_key, requested_by, approved_by, approval_id,"
                + " executed_at, undo_until)"
                + " VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, id);
      ps.setObject(3, tool);
      ps.setString(4, status);
      ps.setString(5, args);
      ps.setString(6, preview);
      ps.setString(7, result);
      ps.setString(8, previousState);
      ps.setString(9, idempotencyKey);
      ps.setString(10, requestedBy);
      ps.setString(11, approvedBy);
      ps.setObject(12, approvalId);
      ps.setTimestamp(13, status.equals("pending_approval") ? null : Timestamp.from(Instant.now()));
      ps.setTimestamp(14, undoUntil == null ? null : Timestamp.from(undoUntil));
      return ps.executeUpdate();
    }
  }

  /** Moves an execution from one status to the next; 0 when it was no longer in {@code from}. */
  static int transition(
      Connection c, TenantId tenant, UUID id, String from, String to, String approvedBy)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE public.tool_executions SET status = ?,"
                + " approved_by = COALESCE(?, approved_by)"
                + " WHERE tenant_id = ? AND id = ? AND status = ?")) {
      ps.setString(1, to);
      ps.setString(2, approvedBy);
      ps.setObject(3, tenant.value());
      ps.setObject(4, id);
      ps.setString(5, from);
      return ps.executeUpdate();
    }
  }

  /** What an undo needs of an execution. */
  record Undoable(
      UUID toolId, String status, String arguments, String previousState, Instant undoUntil) {}

  static Optional<Undoable> undoable(Connection c, TenantId tenant, UUID id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT tool_id, status, arguments::text, previous_state::text, undo_until"
                + " FROM public.tool_executions WHERE tenant_id = ? AND id = ?")) {
      ps.setObject(1, tenant.value());
      ps.setObject(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Timestamp undo = rs.getTimestamp(5);
        return Optional.of(
            new Undoable(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                undo == null ? null : undo.toInstant()));
      }
    }
  }

  /** JSON text in one canonical form (jsonb reorders keys), to compare arguments. */
  static String canonical(String json) {
    if (json == null) {
      return null;
    }
    try (var r = JSON.createReader(new StringReader(json))) {
      return canonical(r.readValue());
    } catch (RuntimeException e) {
      return json;
    }
  }

  private static String canonical(JsonValue v) {
    return switch (v.getValueType()) {
      case OBJECT -> {
        StringBuilder b = new StringBuilder("{");
        new java.util.TreeMap<>(v.asJsonObject())
            .forEach(
                (k, x) -> {
                  if (b.length() > 1) {
                    b.append(',');
                  }
                  b.append(JSON.createValue(k)).append(':').append(canonical(x));
                });
        yield b.append('}').toString();
      }
      case ARRAY -> {
        StringBuilder b = new StringBuilder("[");
        for (JsonValue x : v.asJsonArray()) {
          if (b.length() > 1) {
            b.append(',');
          }
          b.append(canonical(x));
        }
        yield b.append(']').toString();
      }
      default -> v.toString();
    };
  }
}
