package dev.tessera.governance.internal.safety.tools;

import dev.tessera.governance.api.safety.tools.NewTool;
import dev.tessera.governance.api.safety.tools.ToolCaller;
import dev.tessera.governance.api.safety.tools.ToolExecution;
import dev.tessera.governance.api.safety.tools.ToolRefusedException;
import dev.tessera.governance.api.safety.tools.ToolView;
import dev.tessera.governance.api.safety.tools.Tools;
import dev.tessera.governance.internal.safety.guardrails.JsonSchemaCheck;
import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The tool registry and its executions in the tenant's own tables (under RLS). Every gate runs
 * before anything happens: schema, roles, change window, the key's per-minute cap, and for
 * sensitive tools an approval by someone else for exactly these arguments.
 */
@ApplicationScoped
public class StoredTools implements Tools {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final int MAX_UNDO_WINDOW = 7 * 24 * 3600;
  static final JsonSchemaCheck SCHEMAS = new JsonSchemaCheck();

  @Inject TenantData data;
  @Inject ToolRunners runners;

  @Override
  public ToolView register(TenantId tenant, NewTool t) {
    if (t == null) {
      throw InvalidInputException.field("body", "a JSON object is required");
    }
    if (t.name() == null || !NAME.matcher(t.name()).matches()) {
      throw InvalidInputException.field("name", "1-64 letters, digits, '_', '.' or '-'");
    }
    String kind = t.kind() == null ? "" : t.kind().strip().toLowerCase(Locale.ROOT);
    String schema = t.argumentsSchema();
    switch (kind) {
      case "http" -> {
        runners.checkUrl("url", t.url());
        if (t.undoUrl() != null) {
          runners.checkUrl("undoUrl", t.undoUrl());
        }
      }
      case "builtin" -> {
        if (!ToolRunners.BUILTINS.containsKey(String.valueOf(t.builtin()))) {
          throw InvalidInputException.field("builtin", "one of " + ToolRunners.BUILTINS.keySet());
        }
        if (schema == null) {
          schema = ToolRunners.BUILTINS.get(t.builtin());
        }
      }
      default -> throw InvalidInputException.field("kind", "http or builtin");
    }
    if (schema == null || schema.isBlank()) {
      throw InvalidInputException.field(
          "argumentsSchema", "a JSON Schema for the arguments is required");
    }
    SCHEMAS.schema(schema); // 400 when unusable
    List<String> roles = new ArrayList<>();
    for (String r : t.roles()) {
      try {
        roles.add(Role.valueOf(r.strip().toUpperCase(Locale.ROOT)).name());
      } catch (RuntimeException e) {
        throw InvalidInputException.field("roles", "unknown role '" + r + "'");
      }
    }
    if (t.changeWindow() != null) {
      ChangeWindow.parse(t.changeWindow());
    }
    int undo = t.undoWindowSeconds() == null ? 0 : t.undoWindowSeconds();
    if (undo < 0 || undo > MAX_UNDO_WINDOW) {
      throw InvalidInputException.field("undoWindowSeconds", "0 to " + MAX_UNDO_WINDOW);
    }
    if (undo > 0 && kind.equals("http") && t.undoUrl() == null) {
      throw InvalidInputException.field("undoUrl", "an undo window needs an undo endpoint");
    }
    if (t.perKeyPerMinute() != null && t.perKeyPerMinute() <= 0) {
      throw InvalidInputException.field("perKeyPerMinute", "must be positive");
    }
    UUID id = UUID.randomUUID();
    String checkedSchema = schema;
    try {
      data.inTenant(
          tenant,
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO public.tools (tenant_id, id, name, description, kind, url, undo_url,"
                        + " builtin, arguments_schema, sensitive, roles, change_window,"
                        + " undo_window_seconds, per_key_per_minute)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)")) {
              ps.setObject(1, tenant.value());
              ps.setObject(2, id);
              ps.setString(3, t.name());
              ps.setString(4, t.description());
              ps.setString(5, kind);
              ps.setString(6, kind.equals("http") ? t.url() : null);
              ps.setString(7, kind.equals("http") ? t.undoUrl() : null);
              ps.setString(8, kind.equals("builtin") ? t.builtin() : null);
              ps.setString(9, checkedSchema);
              ps.setBoolean(10, t.sensitive());
              ps.setArray(11, c.createArrayOf("text", roles.toArray()));
              ps.setString(12, t.changeWindow());
              ps.setInt(13, undo);
              ps.setObject(14, t.perKeyPerMinute());
              return ps.executeUpdate();
            }
          });
    } catch (RuntimeException e) {
      if (sqlState(e, "23505")) {
        throw new ConflictException("A tool named '" + t.name() + "' exists already.");
      }
      throw e;
    }
    return byName(tenant, t.name());
  }

  static boolean sqlState(Throwable e, String state) {
    for (Throwable x = e; x != null; x = x.getCause()) {
      if (x instanceof SQLException s && state.equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<ToolView> list(TenantId tenant) {
    return data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(ToolRows.TOOL + " WHERE tenant_id = ? ORDER BY name")) {
            ps.setObject(1, tenant.value());
            return ToolRows.tools(ps);
          }
        });
  }

  ToolView byName(TenantId tenant, String name) {
    return data.inTenant(tenant, c -> ToolRows.byName(c, tenant, name))
        .orElseThrow(() -> new NotFoundException("tool", name));
  }

  @Override
  public List<String> validate(TenantId tenant, String tool, String argumentsJson) {
    var t = data.inTenant(tenant, c -> ToolRows.byName(c, tenant, tool));
    return t.isEmpty() ? List.of() : SCHEMAS.errors(argumentsJson, t.get().argumentsSchema());
  }

  /** Schema, role and window gates shared by execution and approval requests. */
  private ToolView gate(ToolCaller caller, String name, String args) {
    ToolView t = byName(caller.tenant(), name);
    List<String> errors = SCHEMAS.errors(args, t.argumentsSchema());
    if (!errors.isEmpty()) {
      List<InvalidInputException.FieldError> fields = new ArrayList<>();
      errors.forEach(e -> fields.add(new InvalidInputException.FieldError("arguments", e)));
      throw new InvalidInputException(
          "The arguments do not match tool '" + name + "': " + String.join("; ", errors), fields);
    }
    if (!t.roles().isEmpty()
        && caller.roles().stream().noneMatch(r -> t.roles().contains(r.name()))) {
      throw new ToolRefusedException(
          403, "tool-forbidden", "Tool '" + name + "' needs one of the roles " + t.roles() + ".");
    }
    if (t.changeWindow() != null
        && !ChangeWindow.parse(t.changeWindow()).contains(ZonedDateTime.now())) {
      throw new ToolRefusedException(
          403,
          "outside-change-window",
          "Tool '" + name + "' runs only within " + t.changeWindow() + " (UTC); try again then.");
    }
    return t;
  }

  @Override
  public ToolExecution execute(
      ToolCaller caller,
      String name,
      String args,
      String idempotencyKey,
      boolean dryRun,
      UUID approvalId) {
    ToolView t = gate(caller, name, args);
    TenantId tenant = caller.tenant();
    if (dryRun) {
      String preview = data.inTenant(tenant, c -> runners.preview(c, tenant, t, args));
      return new ToolExecution(
          null, name, "dry_run", args, preview, null, null, caller.principal(), null, null, null);
    }
    if (idempotencyKey != null) {
      var earlier = data.inTenant(tenant, c -> ToolRows.byKey(c, tenant, t.id(), idempotencyKey));
      if (earlier.isPresent()) {
        if (!Objects.equals(
            ToolRows.canonical(earlier.get().arguments()), ToolRows.canonical(args))) {
          throw new ToolRefusedException(
              422,
              "idempotency-key-reused",
              "This idempotency key was used with other arguments; use a new key.");
        }
        return earlier.get();
      }
    }
    if (t.sensitive()) {
      requireApproval(caller, t, args, approvalId);
    }
    if (t.perKeyPerMinute() != null) {
      int recent =
          data.inTenant(tenant, c -> ToolRows.recentBy(c, tenant, t.id(), caller.principal()));
      if (recent >= t.perKeyPerMinute()) {
        throw new ToolRefusedException(
            429,
            "tool-rate-limited",
            "Tool '" + name + "' runs at most " + t.perKeyPerMinute() + " times a minute per key.");
      }
    }
    UUID id = UUID.randomUUID();
    String approver = approvedBy(tenant, approvalId);
    try {
      if (t.kind().equals("builtin")) {
        // the state change and its record commit together
        data.inTenant(
            tenant,
            c ->
                record(
                    c,
                    tenant,
                    t,
                    id,
                    args,
                    runners.runBuiltin(c, tenant, t, args),
                    idempotencyKey,
                    caller,
                    approver,
                    approvalId));
      } else {
        ToolRunners.Ran ran = runners.runHttp(tenant, t, id, args);
        data.inTenant(
            tenant,
            c -> record(c, tenant, t, id, args, ran, idempotencyKey, caller, approver, approvalId));
      }
    } catch (RuntimeException e) {
      if (sqlState(e, "23505")) {
        throw new ToolRefusedException(
            409,
            "conflict",
            "That approval or idempotency key was used by a concurrent execution.");
      }
      throw e;
    }
    return get(tenant, id);
  }

  private static int record(
      java.sql.Connection c,
      TenantId tenant,
      ToolView t,
      UUID id,
      String args,
      ToolRunners.Ran ran,
      String idempotencyKey,
      ToolCaller caller,
      String approver,
      UUID approvalId)
      throws SQLException {
    Instant undoUntil =
        ran.ok() && t.undoWindowSeconds() > 0
            ? Instant.now().plusSeconds(t.undoWindowSeconds())
            : null;
    return ToolRows.insertExecution(
        c,
        tenant,
        id,
        t.id(),
        ran.ok() ? "executed" : "failed",
        args,
        ran.preview(),
        ran.result(),
        ran.previousState(),
        idempotencyKey,
        caller.principal(),
        approver,
        approvalId,
        undoUntil);
  }

  private String approvedBy(TenantId tenant, UUID approvalId) {
    return approvalId == null ? null : get(tenant, approvalId).approvedBy();
  }

  private void requireApproval(ToolCaller caller, ToolView t, String args, UUID approvalId) {
    if (approvalId == null) {
      throw new ToolRefusedException(
          403,
          "approval-required",
          "Tool '"
              + t.name()
              + "' is sensitive: request an approval (POST /v1/tools/"
              + t.name()
              + "/approvals), have another admin approve it, then execute with its approvalId.");
    }
    ToolExecution a;
    try {
      a = get(caller.tenant(), approvalId);
    } catch (NotFoundException e) {
      throw new ToolRefusedException(403, "approval-required", "No such approval for this tool.");
    }
    if (!a.tool().equals(t.name())
        || !"approved".equals(a.status())
        || !Objects.equals(ToolRows.canonical(a.arguments()), ToolRows.canonical(args))) {
      throw new ToolRefusedException(
          403,
          "approval-required",
          "The approval is not an approved request of this tool with these same arguments.");
    }
  }

  @Override
  public ToolExecution requestApproval(ToolCaller maker, String name, String args) {
    ToolView t = gate(maker, name, args);
    if (!t.sensitive()) {
      throw InvalidInputException.field(
          "tool", "'" + name + "' is not sensitive; execute it directly");
    }
    UUID id = UUID.randomUUID();
    String preview =
        data.inTenant(maker.tenant(), c -> runners.preview(c, maker.tenant(), t, args));
    data.inTenant(
        maker.tenant(),
        c ->
            ToolRows.insertExecution(
                c,
                maker.tenant(),
                id,
                t.id(),
                "pending_approval",
                args,
                preview,
                null,
                null,
                null,
                maker.principal(),
                null,
                null,
                null));
    return get(maker.tenant(), id);
  }

  @Override
  public ToolExecution approve(ToolCaller checker, UUID executionId) {
    ToolExecution e = get(checker.tenant(), executionId);
    if (!"pending_approval".equals(e.status())) {
      throw new ToolRefusedException(409, "conflict", "Only a pending request can be approved.");
    }
    if (!checker.roles().contains(Role.TENANT_ADMIN)
        && !checker.roles().contains(Role.PLATFORM_ADMIN)) {
      throw new ToolRefusedException(
          403, "tool-forbidden", "Approving needs the tenant admin role.");
    }
    if (checker.principal().equals(e.requestedBy())) {
      throw new ToolRefusedException(
          403, "maker-checker", "The maker of a request cannot approve it; another admin must.");
    }
    int changed =
        data.inTenant(
            checker.tenant(),
            c ->
                ToolRows.transition(
                    c,
                    checker.tenant(),
                    executionId,
                    "pending_approval",
                    "approved",
                    checker.principal()));
    if (changed == 0) {
      throw new ToolRefusedException(409, "conflict", "The request was approved concurrently.");
    }
    return get(checker.tenant(), executionId);
  }

  @Override
  public ToolExecution undo(ToolCaller caller, UUID executionId) {
    TenantId tenant = caller.tenant();
    ToolRows.Undoable u =
        data.inTenant(tenant, c -> ToolRows.undoable(c, tenant, executionId))
            .orElseThrow(() -> new NotFoundException("tool execution", executionId));
    if (!"executed".equals(u.status()) || u.undoUntil() == null) {
      throw new ToolRefusedException(
          409,
          "not-undoable",
          "Only an executed call of a tool with an undo window can be undone.");
    }
    if (Instant.now().isAfter(u.undoUntil())) {
      throw new ToolRefusedException(
          409, "undo-window-passed", "The undo window of this execution has passed.");
    }
    ToolView t =
        list(tenant).stream().filter(x -> x.id().equals(u.toolId())).findFirst().orElseThrow();
    if (!t.roles().isEmpty()
        && caller.roles().stream().noneMatch(r -> t.roles().contains(r.name()))) {
      throw new ToolRefusedException(
          403,
          "tool-forbidden",
          "Tool '" + t.name() + "' needs one of the roles " + t.roles() + ".");
    }
    if (t.kind().equals("builtin")) {
      data.inTenant(
          tenant,
          c -> {
            if (ToolRows.transition(c, tenant, executionId, "executed", "undone", null) == 0) {
              throw new ToolRefusedException(
                  409, "conflict", "The execution was undone concurrently.");
            }
            runners.undoBuiltin(c, tenant, u.previousState());
            return null;
          });
    } else {
      runners.undoHttp(tenant, t, executionId, u.arguments());
      if (data.inTenant(
              tenant, c -> ToolRows.transition(c, tenant, executionId, "executed", "undone", null))
          == 0) {
        throw new ToolRefusedException(409, "conflict", "The execution was undone concurrently.");
      }
    }
    return get(tenant, executionId);
  }

  @Override
  public ToolExecution get(TenantId tenant, UUID executionId) {
    return data.inTenant(tenant, c -> ToolRows.execution(c, tenant, executionId))
        .orElseThrow(() -> new NotFoundException("tool execution", executionId));
  }
}
