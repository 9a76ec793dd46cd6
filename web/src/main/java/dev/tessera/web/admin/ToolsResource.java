package dev.tessera.web.admin;

import dev.tessera.governance.api.safety.tools.NewTool;
import dev.tessera.governance.api.safety.tools.ToolView;
import dev.tessera.governance.api.safety.tools.Tools;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * A tenant's typed tools: its admins register them, its keys list them (executions: {@link
 * ToolExecutionsResource}, calls: {@code /v1/tools}).
 */
@Path("v1/tenants/{tenantId}/tools")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ToolsResource {
  @Inject Caller caller;
  @Inject Tools tools;

  /** A tool as posted; {@code argumentsSchema} is a JSON Schema object. */
  public record NewToolBody(
      String name,
      String description,
      String kind,
      String url,
      String undoUrl,
      String builtin,
      jakarta.json.JsonObject argumentsSchema,
      Boolean sensitive,
      List<String> roles,
      String changeWindow,
      Integer undoWindowSeconds,
      Integer perKeyPerMinute) {}

  @POST
  public Response register(@PathParam("tenantId") String tenantId, NewToolBody body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    NewToolBody b = Bodies.required(body);
    ToolView t =
        tools.register(
            tenant,
            new NewTool(
                b.name(),
                b.description(),
                b.kind(),
                b.url(),
                b.undoUrl(),
                b.builtin(),
                b.argumentsSchema() == null ? null : b.argumentsSchema().toString(),
                Boolean.TRUE.equals(b.sensitive()),
                b.roles(),
                b.changeWindow(),
                b.undoWindowSeconds(),
                b.perKeyPerMinute()));
    return Response.status(Response.Status.CREATED).entity(t).build();
  }

  @GET
  public List<ToolView> list(@PathParam("tenantId") String tenantId) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.DEVELOPER, Role.VIEWER);
    return tools.list(tenant);
  }
}
