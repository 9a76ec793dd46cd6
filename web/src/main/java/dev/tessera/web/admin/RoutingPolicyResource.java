package dev.tessera.web.admin;

import dev.tessera.routing.api.RoutingPolicies;
import dev.tessera.routing.api.RoutingPolicy;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * A tenant's routing policy: entitled tiers, allowed regions (data residency), default fallback
 * consent, champion-challenger split. Its admin may read it; only the operator may widen it.
 */
@Path("v1/tenants/{tenantId}/routing-policy")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class RoutingPolicyResource {
  @Inject Caller caller;
  @Inject RoutingPolicies policies;

  @GET
  public RoutingPolicy get(@PathParam("tenantId") String tenantId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    return policies.get(tenant);
  }

  @PUT
  public RoutingPolicy set(@PathParam("tenantId") String tenantId, RoutingPolicy body) {
    caller.requirePlatformAdmin();
    TenantId tenant = TenantId.parse(tenantId);
    return policies.set(tenant, Bodies.required(body));
  }
}
