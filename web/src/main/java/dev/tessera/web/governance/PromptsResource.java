package dev.tessera.web.governance;

import dev.tessera.governance.api.EvalCase;
import dev.tessera.governance.api.EvalExpectations;
import dev.tessera.governance.api.EvalRun;
import dev.tessera.governance.api.Evals;
import dev.tessera.governance.api.LabelChange;
import dev.tessera.governance.api.LabelRequest;
import dev.tessera.governance.api.NewPrompt;
import dev.tessera.governance.api.NewPromptVersion;
import dev.tessera.governance.api.PromptVariable;
import dev.tessera.governance.api.PromptVersionView;
import dev.tessera.governance.api.PromptView;
import dev.tessera.governance.api.Prompts;
import dev.tessera.governance.api.TrafficSplit;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * A tenant's prompt registry. Authors (admin and developer keys) create prompts, add versions and
 * move labels; moving a protected label opens a request that only a tenant admin other than its
 * proposer may approve. Golden eval cases and runs of a prompt live here too.
 */
@Path("v1/tenants/{tenantId}/prompts")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class PromptsResource {
  private static final Role[] AUTHORS = {Role.TENANT_ADMIN, Role.DEVELOPER};
  private static final Role[] READERS = {Role.TENANT_ADMIN, Role.DEVELOPER, Role.VIEWER};
  private static final Set<String> PROMPT_FIELDS =
      Set.of(
          "name",
          "kind",
          "description",
          "protectedLabels",
          "template",
          "variables",
          "config",
          "message");
  private static final Set<String> EVAL_CASE_FIELDS = Set.of("name", "variables", "expect");
  private static final Set<String> VERSION_FIELDS =
      Set.of("template", "variables", "config", "message");

  @Inject Caller caller;
  @Inject Prompts prompts;
  @Inject Evals evals;
  @Context HttpServletRequest http;

  /** One page of prompts. */
  public record PromptPage(List<PromptView> data, String nextCursor) {}

  @POST
  public Response create(@PathParam("tenantId") String tenantId, String body) {
    TenantId tenant = caller.requireTenantRole(tenantId, AUTHORS);
    JsonObject o = object(body, PROMPT_FIELDS);
    List<String> protectedLabels = null;
    if (o.get("protectedLabels") instanceof JsonArray a) {
      protectedLabels = new ArrayList<>();
      for (JsonValue v : a) {
        if (!(v instanceof JsonString s)) {
          throw InvalidInputException.field("protectedLabels", "must be an array of labels");
        }
        protectedLabels.add(s.getString());
      }
    }
    PromptView created =
        prompts.create(
            tenant,
            Actors.of(caller, http),
            new NewPrompt(
                string(o, "name"),
                string(o, "kind"),
                string(o, "description"),
                protectedLabels,
                version(o)));
    return Response.status(Response.Status.CREATED).entity(created).build();
  }

  @GET
  public PromptPage list(
      @PathParam("tenantId") String tenantId,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    TenantId tenant = caller.requireTenantRole(tenantId, READERS);
    Page<PromptView> page =
        prompts.list(tenant, PageRequest.of(cursor, AuditResource.limit(limit)));
    return new PromptPage(page.items(), page.nextCursor());
  }

  @GET
  @Path("{name}")
  public PromptView get(@PathParam("tenantId") String tenantId, @PathParam("name") String name) {
    return prompts.get(caller.requireTenantRole(tenantId, READERS), name);
  }

  @POST
  @Path("{name}/versions")
  public Response addVersion(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name, String body) {
    TenantId tenant = caller.requireTenantRole(tenantId, AUTHORS);
    PromptVersionView v =
        prompts.addVersion(
            tenant, Actors.of(caller, http), name, version(object(body, VERSION_FIELDS)));
    return Response.status(Response.Status.CREATED).entity(v).build();
  }

  @GET
  @Path("{name}/versions")
  public List<PromptVersionView> versions(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name) {
    return prompts.versions(caller.requireTenantRole(tenantId, READERS), name);
  }

  @GET
  @Path("{name}/versions/{version}")
  public PromptVersionView version(
      @PathParam("tenantId") String tenantId,
      @PathParam("name") String name,
      @PathParam("version") String version) {
    TenantId tenant = caller.requireTenantRole(tenantId, READERS);
    return prompts.version(tenant, name, versionNumber(version, "version", true));
  }

  @GET
  @Path("{name}/diff")
  @Produces("text/plain")
  public Response diff(
      @PathParam("tenantId") String tenantId,
      @PathParam("name") String name,
      @QueryParam("from") String from,
      @QueryParam("to") String to) {
    TenantId tenant = caller.requireTenantRole(tenantId, READERS);
    String diff =
        prompts.diff(
            tenant, name, versionNumber(from, "from", false), versionNumber(to, "to", false));
    return Response.ok(diff, "text/x-diff; charset=utf-8").build();
  }

  /** Body of a label move: the version it should point at. */
  public record LabelBody(Integer version) {}

  @PUT
  @Path("{name}/labels/{label}")
  public Response moveLabel(
      @PathParam("tenantId") String tenantId,
      @PathParam("name") String name,
      @PathParam("label") String label,
      LabelBody body) {
    TenantId tenant = caller.requireTenantRole(tenantId, AUTHORS);
    if (body == null || body.version() == null) {
      throw InvalidInputException.field("version", "is required");
    }
    LabelChange change =
        prompts.moveLabel(tenant, Actors.of(caller, http), name, label, body.version());
    return Response.status(change.moved() ? 200 : 202).entity(change).build();
  }

  @POST
  @Path("{name}/labels/{label}/rollback")
  public LabelChange rollback(
      @PathParam("tenantId") String tenantId,
      @PathParam("name") String name,
      @PathParam("label") String label) {
    TenantId tenant = caller.requireTenantRole(tenantId, AUTHORS);
    return prompts.rollback(tenant, Actors.of(caller, http), name, label);
  }

  @GET
  @Path("{name}/label-requests")
  public List<LabelRequest> requests(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name) {
    return prompts.requests(caller.requireTenantRole(tenantId, READERS), name);
  }

  /** Body of an approval: a reason, required to promote despite worse evals. */
  public record Decision(String reason) {}

  @POST
  @Path("{name}/label-requests/{requestId}/approve")
  public LabelChange approve(
      @PathParam("tenantId") String tenantId,
      @PathParam("name") String name,
      @PathParam("requestId") String requestId,
      Decision body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    UUID id = requestId(requestId);
    requireRequestOf(tenant, name, id);
    return prompts.approve(
        tenant, Actors.of(caller, http), id, body == null ? null : blank(body.reason()));
  }

  @POST
  @Path("{name}/label-requests/{requestId}/reject")
  public LabelRequest reject(
      @PathParam("tenantId") String tenantId,
      @PathParam("name") String name,
      @PathParam("requestId") String requestId,
      Decision body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    UUID id = requestId(requestId);
    requireRequestOf(tenant, name, id);
    return prompts.reject(
        tenant, Actors.of(caller, http), id, body == null ? null : blank(body.reason()));
  }

  /** Body of a traffic split between two labels. */
  public record TrafficBody(String champion, String challenger, Integer challengerPercent) {}

  @PUT
  @Path("{name}/traffic")
  public PromptView traffic(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name, TrafficBody body) {
    TenantId tenant = caller.requireTenantRole(tenantId, AUTHORS);
    if (body == null || body.challengerPercent() == null) {
      throw InvalidInputException.field("challengerPercent", "is required (0-100)");
    }
    return prompts.setTraffic(
        tenant,
        Actors.of(caller, http),
        name,
        new TrafficSplit(body.champion(), body.challenger(), body.challengerPercent()));
  }

  @DELETE
  @Path("{name}/traffic")
  public PromptView stopTraffic(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name) {
    TenantId tenant = caller.requireTenantRole(tenantId, AUTHORS);
    return prompts.setTraffic(tenant, Actors.of(caller, http), name, null);
  }

  // golden evals of a prompt: cases, runs on the batch lane, progress

  @POST
  @Path("{name}/eval-cases")
  public Response addCase(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name, String body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.DEVELOPER);
    JsonObject o = object(body, EVAL_CASE_FIELDS);
    JsonValue vars = o.get("variables");
    if (!(o.get("expect") instanceof JsonObject e)) {
      throw InvalidInputException.field("expect", "is required: an object");
    }
    EvalCase added =
        evals.addCase(
            tenant,
            Actors.of(caller, http),
            name,
            o.get("name") instanceof JsonString s ? s.getString() : null,
            vars == null ? null : vars.toString(),
            new EvalExpectations(
                strings(e, "contains"),
                strings(e, "excludes"),
                e.get("jsonSchema") instanceof JsonObject schema ? schema.toString() : null,
                bool(e, "citesEvidence"),
                bool(e, "refusal"),
                e.get("maxTokens") instanceof JsonNumber n ? n.intValue() : null));
    return Response.status(201).entity(added).build();
  }

  @GET
  @Path("{name}/eval-cases")
  public List<EvalCase> cases(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.DEVELOPER, Role.VIEWER);
    return evals.cases(tenant, name);
  }

  /** Which version to evaluate. */
  public record RunBody(Integer version) {}

  @POST
  @Path("{name}/eval-runs")
  public Response start(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name, RunBody body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.DEVELOPER);
    if (body == null || body.version() == null) {
      throw InvalidInputException.field("version", "is required");
    }
    EvalRun run =
        evals.start(
            tenant, Actors.of(caller, http), caller.keyId().orElse(null), name, body.version());
    return Response.status(202).entity(run).build();
  }

  @GET
  @Path("{name}/eval-runs")
  public List<EvalRun> runs(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.DEVELOPER, Role.VIEWER);
    return evals.runs(tenant, name);
  }

  @GET
  @Path("{name}/eval-runs/{runId}")
  public EvalRun run(
      @PathParam("tenantId") String tenantId,
      @PathParam("name") String name,
      @PathParam("runId") String runId) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.DEVELOPER, Role.VIEWER);
    UUID id;
    try {
      id = UUID.fromString(runId);
    } catch (IllegalArgumentException e) {
      throw new NotFoundException("eval run", runId);
    }
    return evals.run(tenant, name, id);
  }

  private static List<String> strings(JsonObject o, String field) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      return null;
    }
    if (!(v instanceof JsonArray a)) {
      throw InvalidInputException.field("expect." + field, "must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonValue x : a) {
      if (!(x instanceof JsonString s)) {
        throw InvalidInputException.field("expect." + field, "must be an array of strings");
      }
      out.add(s.getString());
    }
    return out;
  }

  private static Boolean bool(JsonObject o, String field) {
    JsonValue v = o.get(field);
    return v == JsonValue.TRUE ? Boolean.TRUE : v == JsonValue.FALSE ? Boolean.FALSE : null;
  }

  private void requireRequestOf(TenantId tenant, String name, UUID id) {
    if (prompts.requests(tenant, name).stream().noneMatch(r -> r.id().equals(id))) {
      throw new NotFoundException("label request", id);
    }
  }

  private static UUID requestId(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw new NotFoundException("label request", raw);
    }
  }

  private static int versionNumber(String raw, String field, boolean inPath) {
    try {
      int v = Integer.parseInt(raw == null ? "" : raw.strip());
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    if (inPath) {
      throw new NotFoundException("version", raw);
    }
    throw InvalidInputException.field(field, "must be a version number");
  }

  private static NewPromptVersion version(JsonObject o) {
    if (!o.containsKey("template")) {
      throw InvalidInputException.field("template", "is required");
    }
    List<PromptVariable> vars = new ArrayList<>();
    JsonValue raw = o.get("variables");
    if (raw != null && raw != JsonValue.NULL) {
      if (!(raw instanceof JsonArray a)) {
        throw InvalidInputException.field("variables", "must be an array");
      }
      for (int i = 0; i < a.size(); i++) {
        if (!(a.get(i) instanceof JsonObject v)) {
          throw InvalidInputException.field("variables[" + i + "]", "must be an object");
        }
        vars.add(variable(v, "variables[" + i + "]"));
      }
    }
    JsonValue config = o.get("config");
    return new NewPromptVersion(
        o.get("template").toString(),
        vars,
        config == null ? null : config.toString(),
        string(o, "message"));
  }

  private static PromptVariable variable(JsonObject v, String field) {
    String type = v.get("type") instanceof JsonString s ? s.getString() : "string";
    PromptVariable.Type t;
    try {
      t = PromptVariable.Type.valueOf(type.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw InvalidInputException.field(field + ".type", "must be string, number, boolean or json");
    }
    JsonValue def = v.get("default");
    String defaultValue =
        def == null || def == JsonValue.NULL
            ? null
            : def instanceof JsonString s ? s.getString() : def.toString();
    boolean required = !(v.get("required") == JsonValue.FALSE);
    return new PromptVariable(string(v, "name"), t, required, defaultValue);
  }

  private static JsonObject object(String body, Set<String> known) {
    return dev.tessera.web.platform.StrictJson.object(body, known);
  }

  private static String string(JsonObject o, String field) {
    JsonValue v = o.get(field);
    if (v == null || v == JsonValue.NULL) {
      return null;
    }
    if (v instanceof JsonString s) {
      return s.getString();
    }
    if (v instanceof JsonNumber) {
      throw InvalidInputException.field(field, "must be a string");
    }
    throw InvalidInputException.field(field, "must be a string");
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
