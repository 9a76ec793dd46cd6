package dev.tessera.governance.internal;

import dev.tessera.governance.api.Actor;
import dev.tessera.governance.api.AppliedPrompt;
import dev.tessera.governance.api.AuditEvent;
import dev.tessera.governance.api.LabelChange;
import dev.tessera.governance.api.LabelRequest;
import dev.tessera.governance.api.NewPrompt;
import dev.tessera.governance.api.NewPromptVersion;
import dev.tessera.governance.api.PromptVariable;
import dev.tessera.governance.api.PromptVersionView;
import dev.tessera.governance.api.PromptView;
import dev.tessera.governance.api.Prompts;
import dev.tessera.governance.api.TrafficSplit;
import dev.tessera.governance.internal.PromptRows.PromptRow;
import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.ForbiddenException;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The prompt registry on the tenant's tables. Every change to a prompt's versions, labels or
 * traffic takes the prompt's row lock first, so label moves of one prompt are serialized (each
 * move's "before" is the state the previous one left), and writes its audit entry in the same
 * transaction. Cached resolutions are evicted after the commit.
 */
@ApplicationScoped
public class DefaultPrompts implements Prompts {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,49}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  static final int MAX_VERSIONS = 1000;

  @Inject TenantData data;
  @Inject DefaultAuditLog audit;
  @Inject PromptResolver resolver;
  @Inject EvalGate evalGate;

  @Override
  public PromptView create(TenantId tenant, Actor author, NewPrompt p) {
    if (p.name() == null || !NAME.matcher(p.name()).matches()) {
      throw InvalidInputException.field(
          "name", "1-100 letters, digits and . _ -, starting with a letter or digit");
    }
    String kind = p.kind() == null ? "chat" : p.kind();
    List<String> protectedLabels =
        p.protectedLabels() == null ? List.of("production") : List.copyOf(p.protectedLabels());
    protectedLabels.forEach(l -> checkLabel("protectedLabels", l));
    if (p.firstVersion() == null) {
      throw InvalidInputException.field("template", "is required");
    }
    Checked v = check(kind, p.firstVersion());
    return data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement exists =
              c.prepareStatement("SELECT 1 FROM public.prompts WHERE name = ?")) {
            exists.setString(1, p.name());
            if (exists.executeQuery().next()) {
              throw new ConflictException("A prompt named '" + p.name() + "' exists already.");
            }
          }
          UUID id = UUID.randomUUID();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO public.prompts (tenant_id, id, name, kind, description,"
                      + " protected_labels, created_by) VALUES"
                      + " (NULLIF(current_setting('app.tenant_id', true), '')::uuid, ?, ?, ?, ?, ?,"
                      + " ?)")) {
            ps.setObject(1, id);
            ps.setString(2, p.name());
            ps.setString(3, kind);
            ps.setString(4, p.description());
            ps.setArray(5, c.createArrayOf("text", protectedLabels.toArray()));
            ps.setString(6, author.id());
            ps.executeUpdate();
          }
          PromptRow row = PromptRows.prompt(c, p.name(), true);
          PromptVersionView first = insertVersion(c, row, 1, v, p.firstVersion().message(), author);
          PromptView view = view(c, row);
          audit.record(
              c,
              author,
              new AuditEvent(
                  "prompt.create", "prompt", p.name(), null, Json.of(view, first), null));
          return view;
        });
  }

  @Override
  public PromptVersionView addVersion(
      TenantId tenant, Actor author, String name, NewPromptVersion nv) {
    return data.inTenant(
        tenant,
        c -> {
          PromptRow row = PromptRows.prompt(c, name, true);
          Checked v = check(row.kind(), nv);
          int next = PromptRows.latest(c, row.id()) + 1;
          if (next > MAX_VERSIONS) {
            throw new ConflictException("A prompt has at most " + MAX_VERSIONS + " versions.");
          }
          PromptVersionView created = insertVersion(c, row, next, v, nv.message(), author);
          audit.record(
              c,
              author,
              new AuditEvent(
                  "prompt.version.create",
                  "prompt",
                  name,
                  null,
                  Json.of(created),
                  name + "@" + next));
          return created;
        });
  }

  private record Checked(JsonValue template, List<PromptVariable> variables, JsonObject config) {}

  private static Checked check(String kind, NewPromptVersion v) {
    if (v == null) {
      throw InvalidInputException.field("template", "is required");
    }
    JsonValue template = PromptTemplates.parse("template", v.templateJson());
    List<PromptVariable> vars = v.variables() == null ? List.of() : v.variables();
    JsonValue config =
        v.configJson() == null ? JsonValue.NULL : PromptTemplates.parse("config", v.configJson());
    return new Checked(template, vars, PromptTemplates.validate(kind, template, vars, config));
  }

  private static PromptVersionView insertVersion(
      Connection c, PromptRow row, int version, Checked v, String message, Actor author)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO public.prompt_versions (tenant_id, prompt_id, version, template,"
                + " variables, config, message, created_by) VALUES"
                + " (NULLIF(current_setting('app.tenant_id', true), '')::uuid, ?, ?, ?::jsonb,"
                + " ?::jsonb, ?::jsonb, ?, ?)")) {
      ps.setObject(1, row.id());
      ps.setInt(2, version);
      ps.setString(3, v.template().toString());
      ps.setString(4, PromptRows.variablesJson(v.variables()));
      ps.setString(5, v.config().toString());
      ps.setString(6, message);
      ps.setString(7, author.id());
      ps.executeUpdate();
    }
    return PromptRows.version(c, row, version);
  }

  @Override
  public PromptView get(TenantId tenant, String name) {
    return data.inTenant(tenant, c -> view(c, PromptRows.prompt(c, name, false)));
  }

  @Override
  public Page<PromptView> list(TenantId tenant, PageRequest page) {
    String after = page.cursor() == null ? "" : Json.decodeCursor(page.cursor());
    return data.inTenant(
        tenant,
        c -> {
          List<PromptView> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, name, kind, description, protected_labels, created_by, created_at"
                      + " FROM public.prompts WHERE name > ? ORDER BY name LIMIT ?")) {
            ps.setString(1, after);
            ps.setInt(2, page.size() + 1);
            try (ResultSet rs = ps.executeQuery()) {
              List<PromptRow> rows = new ArrayList<>();
              while (rs.next()) {
                rows.add(PromptRows.promptRow(rs));
              }
              for (PromptRow r : rows) {
                out.add(view(c, r));
              }
            }
          }
          if (out.size() > page.size()) {
            List<PromptView> items = List.copyOf(out.subList(0, page.size()));
            return new Page<>(items, Json.encodeCursor(items.get(items.size() - 1).name()));
          }
          return new Page<>(out, null);
        });
  }

  static PromptView view(Connection c, PromptRow r) throws SQLException {
    int latest = PromptRows.latest(c, r.id());
    Map<String, Integer> labels = new LinkedHashMap<>();
    labels.put("latest", latest);
    labels.putAll(PromptRows.labels(c, r.id()));
    return new PromptView(
        r.id(),
        r.name(),
        r.kind(),
        r.description(),
        r.protectedLabels(),
        latest,
        labels,
        PromptRows.traffic(c, r.id()),
        r.createdBy(),
        r.createdAt());
  }

  @Override
  public PromptVersionView version(TenantId tenant, String name, int version) {
    return data.inTenant(
        tenant, c -> PromptRows.version(c, PromptRows.prompt(c, name, false), version));
  }

  @Override
  public List<PromptVersionView> versions(TenantId tenant, String name) {
    return data.inTenant(tenant, c -> PromptRows.versions(c, PromptRows.prompt(c, name, false)));
  }

  @Override
  public String diff(TenantId tenant, String name, int from, int to) {
    return data.inTenant(
        tenant,
        c -> {
          PromptRow row = PromptRows.prompt(c, name, false);
          return PromptDiff.between(
              PromptRows.version(c, row, from), PromptRows.version(c, row, to));
        });
  }

  @Override
  public LabelChange moveLabel(
      TenantId tenant, Actor actor, String name, String label, int version) {
    checkLabel("label", label);
    LabelChange change =
        data.inTenant(
            tenant,
            c -> {
              PromptRow row = PromptRows.prompt(c, name, true);
              PromptRows.version(c, row, version); // 404 for a version that does not exist
              Integer current = PromptRows.label(c, row.id(), label);
              if (!row.protectedLabels().contains(label)) {
                return move(c, row, label, version, actor, null, null);
              }
              UUID id = UUID.randomUUID();
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO public.prompt_label_requests (tenant_id, id, prompt_id, label,"
                          + " version, proposed_by) VALUES"
                          + " (NULLIF(current_setting('app.tenant_id', true), '')::uuid, ?, ?, ?,"
                          + " ?, ?)")) {
                ps.setObject(1, id);
                ps.setObject(2, row.id());
                ps.setString(3, label);
                ps.setInt(4, version);
                ps.setString(5, actor.id());
                ps.executeUpdate();
              }
              LabelRequest pending = PromptRows.request(c, id, false);
              audit.record(
                  c,
                  actor,
                  new AuditEvent(
                      "prompt.label.proposed",
                      "prompt",
                      name,
                      Json.label(label, current),
                      Json.label(label, version),
                      id.toString()));
              return new LabelChange(false, label, current, version, pending);
            });
    if (change.moved()) {
      resolver.evictLabel(tenant, name, label);
    }
    return change;
  }

  /** Points the label at {@code to} and records the move; the prompt row is locked already. */
  private LabelChange move(
      Connection c,
      PromptRow row,
      String label,
      int to,
      Actor mover,
      String approvedBy,
      String reason)
      throws SQLException {
    Integer from = PromptRows.label(c, row.id(), label);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO public.prompt_labels (tenant_id, prompt_id, label, version, moved_by,"
                + " approved_by) VALUES (NULLIF(current_setting('app.tenant_id', true), '')::uuid,"
                + " ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, prompt_id, label) DO UPDATE SET"
                + " version = excluded.version, moved_by = excluded.moved_by,"
                + " approved_by = excluded.approved_by, moved_at = clock_timestamp()")) {
      ps.setObject(1, row.id());
      ps.setString(2, label);
      ps.setInt(3, to);
      ps.setString(4, mover.id());
      ps.setString(5, approvedBy);
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO public.prompt_label_moves (tenant_id, prompt_id, label, seq,"
                + " from_version, to_version, moved_by, approved_by, reason)"
                + " SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid, ?, ?,"
                + " coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ? FROM public.prompt_label_moves"
                + " WHERE prompt_id = ? AND label = ?")) {
      ps.setObject(1, row.id());
      ps.setString(2, label);
      ps.setObject(3, from);
      ps.setInt(4, to);
      ps.setString(5, mover.id());
      ps.setString(6, approvedBy);
      ps.setString(7, reason);
      ps.setObject(8, row.id());
      ps.setString(9, label);
      ps.executeUpdate();
    }
    String after = Json.label(label, to, approvedBy, reason);
    audit.record(
        c,
        mover,
        new AuditEvent(
            "prompt.label.moved", "prompt", row.name(), Json.label(label, from), after, null));
    return new LabelChange(true, label, from, to, null);
  }

  @Override
  public LabelChange approve(
      TenantId tenant, Actor approver, UUID requestId, String overrideReason) {
    String[] promptName = new String[1];
    LabelChange change =
        data.inTenant(
            tenant,
            c -> {
              LabelRequest r = pending(c, requestId, approver);
              promptName[0] = r.prompt();
              PromptRow row = PromptRows.prompt(c, r.prompt(), true);
              Integer current = PromptRows.label(c, row.id(), r.label());
              evalGate.check(c, row, r.label(), current, r.version(), overrideReason);
              decide(c, requestId, "APPROVED", approver, overrideReason);
              audit.record(
                  c,
                  approver,
                  new AuditEvent(
                      "prompt.label.approved",
                      "prompt",
                      r.prompt(),
                      Json.label(r.label(), current),
                      Json.label(r.label(), r.version(), r.proposedBy(), overrideReason),
                      requestId.toString()));
              // the move is the proposer's, approved by the approver: both identities recorded
              return move(
                  c,
                  row,
                  r.label(),
                  r.version(),
                  new Actor(r.proposedBy(), approver.address()),
                  approver.id(),
                  overrideReason);
            });
    resolver.evictLabel(tenant, promptName[0], change.label());
    return change;
  }

  private static LabelRequest pending(Connection c, UUID id, Actor decider) throws SQLException {
    LabelRequest r = PromptRows.request(c, id, true);
    if (!r.status().equals("PENDING")) {
      throw new ConflictException("This request was " + r.status().toLowerCase() + " already.");
    }
    if (r.proposedBy().equals(decider.id())) {
      throw new ForbiddenException(
          "A change needs a second person: its proposer cannot approve or reject it.");
    }
    return r;
  }

  private static void decide(Connection c, UUID id, String status, Actor decider, String reason)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE public.prompt_label_requests SET status = ?, decided_by = ?,"
                + " decided_at = clock_timestamp(), decision_reason = ? WHERE id = ?")) {
      ps.setString(1, status);
      ps.setString(2, decider.id());
      ps.setString(3, reason);
      ps.setObject(4, id);
      ps.executeUpdate();
    }
  }

  @Override
  public LabelRequest reject(TenantId tenant, Actor approver, UUID requestId, String reason) {
    return data.inTenant(
        tenant,
        c -> {
          LabelRequest r = pending(c, requestId, approver);
          decide(c, requestId, "REJECTED", approver, reason);
          audit.record(
              c,
              approver,
              new AuditEvent(
                  "prompt.label.rejected",
                  "prompt",
                  r.prompt(),
                  null,
                  Json.label(r.label(), r.version(), r.proposedBy(), reason),
                  requestId.toString()));
          return PromptRows.request(c, requestId, false);
        });
  }

  @Override
  public List<LabelRequest> requests(TenantId tenant, String name) {
    return data.inTenant(
        tenant,
        c -> {
          PromptRow row = PromptRows.prompt(c, name, false);
          List<LabelRequest> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  PromptRows.REQUESTS
                      + " WHERE r.prompt_id = ? ORDER BY r.proposed_at DESC"
                      + " LIMIT 100")) {
            ps.setObject(1, row.id());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(PromptRows.requestRow(rs));
              }
            }
          }
          return out;
        });
  }

  @Override
  public LabelChange rollback(TenantId tenant, Actor actor, String name, String label) {
    checkLabel("label", label);
    LabelChange change =
        data.inTenant(
            tenant,
            c -> {
              PromptRow row = PromptRows.prompt(c, name, true);
              Integer back = null;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT from_version FROM public.prompt_label_moves"
                          + " WHERE prompt_id = ? AND label = ? ORDER BY seq DESC LIMIT 1")) {
                ps.setObject(1, row.id());
                ps.setString(2, label);
                try (ResultSet rs = ps.executeQuery()) {
                  if (rs.next()) {
                    back = (Integer) rs.getObject(1);
                  }
                }
              }
              if (back == null) {
                throw new ConflictException(
                    "Label '" + label + "' has no earlier version to roll back to.");
              }
              return move(c, row, label, back, actor, null, "rollback");
            });
    resolver.evictLabel(tenant, name, label);
    return change;
  }

  @Override
  public PromptView setTraffic(TenantId tenant, Actor actor, String name, TrafficSplit split) {
    if (split != null) {
      checkLabel("champion", split.champion());
      checkLabel("challenger", split.challenger());
      if (split.champion().equals(split.challenger())) {
        throw InvalidInputException.field("challenger", "must differ from the champion");
      }
      if (split.challengerPercent() < 0 || split.challengerPercent() > 100) {
        throw InvalidInputException.field("challengerPercent", "must be between 0 and 100");
      }
    }
    PromptView view =
        data.inTenant(
            tenant,
            c -> {
              PromptRow row = PromptRows.prompt(c, name, true);
              TrafficSplit before = PromptRows.traffic(c, row.id());
              try (PreparedStatement del =
                  c.prepareStatement("DELETE FROM public.prompt_traffic WHERE prompt_id = ?")) {
                del.setObject(1, row.id());
                del.executeUpdate();
              }
              if (split != null) {
                for (String l : List.of(split.champion(), split.challenger())) {
                  if (PromptRows.label(c, row.id(), l) == null) {
                    throw InvalidInputException.field(
                        l.equals(split.champion()) ? "champion" : "challenger",
                        "prompt '" + name + "' has no label '" + l + "'");
                  }
                }
                try (PreparedStatement ps =
                    c.prepareStatement(
                        "INSERT INTO public.prompt_traffic (tenant_id, prompt_id, champion_label,"
                            + " challenger_label, challenger_percent) VALUES"
                            + " (NULLIF(current_setting('app.tenant_id', true), '')::uuid, ?, ?,"
                            + " ?, ?)")) {
                  ps.setObject(1, row.id());
                  ps.setString(2, split.champion());
                  ps.setString(3, split.challenger());
                  ps.setInt(4, split.challengerPercent());
                  ps.executeUpdate();
                }
              }
              audit.record(
                  c,
                  actor,
                  new AuditEvent(
                      "prompt.traffic.set",
                      "prompt",
                      name,
                      Json.traffic(before),
                      Json.traffic(split),
                      null));
              return view(c, row);
            });
    resolver.evictTraffic(tenant, name);
    return view;
  }

  @Override
  public AppliedPrompt apply(TenantId tenant, JsonObject body, String requestId) {
    return resolver.apply(tenant, body, requestId);
  }

  static void checkLabel(String field, String label) {
    if (label == null || !LABEL.matcher(label).matches()) {
      throw InvalidInputException.field(
          field, "a label is 1-50 lowercase letters, digits and . _ -");
    }
    if (label.equals("latest")) {
      throw InvalidInputException.field(field, "'latest' follows the newest version by itself");
    }
  }
}
