package dev.tessera.web.governance;

import dev.tessera.governance.api.EvalCase;
import dev.tessera.governance.api.EvalExpectations;
import dev.tessera.governance.api.EvalRun;
import dev.tessera.governance.api.Evals;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Golden evals of a prompt: its cases, and runs of a version against them (started here, run on the
 * batch lane, polled for progress).
 */
@Path("v1/tenants/{tenantId}/prompts/{name}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EvalsResource {
  private static final JsonProvider JSON = JsonProvider.provider();

  @Inject Caller caller;
  @Inject Evals evals;
  @Context HttpServletRequest http;

  @POST
  @Path("eval-cases")
  public Response addCase(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name, String body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.DEVELOPER);
    JsonObject o = object(body);
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
  @Path("eval-cases")
  public List<EvalCase> cases(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.DEVELOPER, Role.VIEWER);
    return evals.cases(tenant, name);
  }

  /** Which version to evaluate. */
  public record RunBody(Integer version) {}

  @POST
  @Path("eval-runs")
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
  @Path("eval-runs")
  public List<EvalRun> runs(
      @PathParam("tenantId") String tenantId, @PathParam("name") String name) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.DEVELOPER, Role.VIEWER);
    return evals.runs(tenant, name);
  }

  @GET
  @Path("eval-runs/{runId}")
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

  private static JsonObject object(String body) {
    try {
      if (JSON.createReader(new StringReader(body == null ? "" : body)).readValue()
          instanceof JsonObject o) {
        return o;
      }
    } catch (RuntimeException e) {
      // answered below
    }
    throw InvalidInputException.field("body", "a JSON object is required");
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
}
