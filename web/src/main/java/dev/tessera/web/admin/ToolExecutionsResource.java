package dev.tessera.web.admin;

import dev.tessera.governance.api.safety.tools.ToolCaller;
import dev.tessera.governance.api.safety.tools.ToolExecution;
import dev.tessera.governance.api.safety.tools.Tools;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.NotFoundException;
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
import java.util.UUID;

/**
 * A tenant's tool executions: read, approve (maker-checker: another admin than the one who asked)
 * and undo within the tool's window.
 */
@Path("v1/tenants/{tenantId}/tool-executions")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.WILDCARD)
public class ToolExecutionsResource {
  @Inject Caller caller;
  @Inject Tools tools;

  @GET
  @Path("{executionId}")
  public ToolExecution get(
      @PathParam("tenantId") String tenantId, @PathParam("executionId") String executionId) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.DEVELOPER, Role.VIEWER);
    return tools.get(tenant, id(executionId));
  }

  @POST
  @Path("{executionId}/approve")
  public ToolExecution approve(
      @PathParam("tenantId") String tenantId, @PathParam("executionId") String executionId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    return tools.approve(toolCaller(tenant), id(executionId));
  }

  @POST
  @Path("{executionId}/undo")
  public ToolExecution undo(
      @PathParam("tenantId") String tenantId, @PathParam("executionId") String executionId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.DEVELOPER);
    return tools.undo(toolCaller(tenant), id(executionId));
  }

  private ToolCaller toolCaller(TenantId tenant) {
    String principal =
        caller.isPlatformAdmin()
            ? "operator"
            : "key:" + caller.keyId().map(UUID::toString).orElse("?");
    return new ToolCaller(tenant, principal, caller.roles());
  }

  private static UUID id(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw new NotFoundException("tool execution", raw);
    }
  }
}
