package dev.tessera.governance.internal;

import dev.tessera.governance.api.LabelRequest;
import dev.tessera.governance.api.PromptVariable;
import dev.tessera.governance.api.PromptVersionView;
import dev.tessera.governance.api.TrafficSplit;
import dev.tessera.tenancy.api.NotFoundException;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The registry's rows read and written with plain JDBC on the tenant's connection. */
final class PromptRows {
  private PromptRows() {}

  record PromptRow(
      UUID id,
      String name,
      String kind,
      String description,
      List<String> protectedLabels,
      String createdBy,
      Instant createdAt) {}

  static PromptRow prompt(Connection c, String name, boolean forUpdate) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, name, kind, description, protected_labels, created_by, created_at"
                + " FROM public.prompts WHERE name = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NotFoundException("prompt", name);
        }
        return promptRow(rs);
      }
    }
  }

  static PromptRow promptRow(ResultSet rs) throws SQLException {
    Array labels = rs.getArray("protected_labels");
    return new PromptRow(
        rs.getObject("id", UUID.class),
        rs.getString("name"),
        rs.getString("kind"),
        rs.getString("description"),
        Arrays.asList((String[]) labels.getArray()),
        rs.getString("created_by"),
        rs.getTimestamp("created_at").toInstant());
  }

  static int latest(Connection c, UUID prompt) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT coalesce(max(version), 0) FROM public.prompt_versions WHERE prompt_id = ?")) {
      ps.setObject(1, prompt);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  static Map<String, Integer> labels(Connection c, UUID prompt) throws SQLException {
    Map<String, Integer> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT label, version FROM public.prompt_labels WHERE prompt_id = ? ORDER BY label")) {
      ps.setObject(1, prompt);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return out;
  }

  static Integer label(Connection c, UUID prompt, String label) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT version FROM public.prompt_labels WHERE prompt_id = ? AND label = ?")) {
      ps.setObject(1, prompt);
      ps.setString(2, label);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : null;
      }
    }
  }

  static TrafficSplit traffic(Connection c, UUID prompt) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT champion_label, challenger_label, challenger_percent"
                + " FROM public.prompt_traffic WHERE prompt_id = ?")) {
      ps.setObject(1, prompt);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new TrafficSplit(rs.getString(1), rs.getString(2), rs.getInt(3)) : null;
      }
    }
  }

  static PromptVersionView version(Connection c, PromptRow p, int version) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT version, template::text, variables::text, config::text, message, created_by,"
                + " created_at FROM public.prompt_versions WHERE prompt_id = ? AND version = ?")) {
      ps.setObject(1, p.id());
      ps.setInt(2, version);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NotFoundException("version of prompt '" + p.name() + "'", version);
        }
        return versionRow(p.name(), rs);
      }
    }
  }

  static List<PromptVersionView> versions(Connection c, PromptRow p) throws SQLException {
    List<PromptVersionView> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT version, template::text, variables::text, config::text, message, created_by,"
                + " created_at FROM public.prompt_versions WHERE prompt_id = ? ORDER BY version")) {
      ps.setObject(1, p.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(versionRow(p.name(), rs));
        }
      }
    }
    return out;
  }

  private static PromptVersionView versionRow(String name, ResultSet rs) throws SQLException {
    return new PromptVersionView(
        name,
        rs.getInt(1),
        rs.getString(2),
        variables(rs.getString(3)),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getTimestamp(7).toInstant());
  }

  static String variablesJson(List<PromptVariable> vars) {
    JsonArrayBuilder a = PromptTemplates.JSON.createArrayBuilder();
    for (PromptVariable v : vars) {
      JsonObjectBuilder o =
          PromptTemplates.JSON
              .createObjectBuilder()
              .add("name", v.name())
              .add("type", v.type().name().toLowerCase(Locale.ROOT))
              .add("required", v.required());
      if (v.defaultValue() != null) {
        o.add("default", v.defaultValue());
      }
      a.add(o);
    }
    return a.build().toString();
  }

  static List<PromptVariable> variables(String json) {
    JsonArray a = (JsonArray) PromptTemplates.parse("variables", json);
    List<PromptVariable> out = new ArrayList<>();
    for (JsonValue x : a) {
      JsonObject o = (JsonObject) x;
      out.add(
          new PromptVariable(
              o.getString("name"),
              PromptVariable.Type.valueOf(o.getString("type").toUpperCase(Locale.ROOT)),
              o.getBoolean("required", true),
              o.containsKey("default") ? o.getString("default") : null));
    }
    return out;
  }

  static LabelRequest request(Connection c, UUID id, boolean forUpdate) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(REQUESTS + " WHERE r.id = ?" + (forUpdate ? " FOR UPDATE OF r" : ""))) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NotFoundException("label request", id);
        }
        return requestRow(rs);
      }
    }
  }

  static final String REQUESTS =
      "SELECT r.id, p.name, r.label, r.version, r.status, r.proposed_by, r.proposed_at,"
          + " r.decided_by, r.decided_at, r.decision_reason, r.prompt_id"
          + " FROM public.prompt_label_requests r JOIN public.prompts p"
          + " ON p.tenant_id = r.tenant_id AND p.id = r.prompt_id";

  static LabelRequest requestRow(ResultSet rs) throws SQLException {
    Timestamp decided = rs.getTimestamp(9);
    return new LabelRequest(
        rs.getObject(1, UUID.class),
        rs.getString(2),
        rs.getString(3),
        rs.getInt(4),
        rs.getString(5),
        rs.getString(6),
        rs.getTimestamp(7).toInstant(),
        rs.getString(8),
        decided == null ? null : decided.toInstant(),
        rs.getString(10));
  }
}
