package dev.tessera.web.admin;

import dev.tessera.governance.api.safety.SafetyPolicies;
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
 * A tenant's safety policy: what happens to each kind of PII on its way to a provider, its own term
 * dictionaries, and the mode of each guardrail. Its admins (and the operator) set it; viewers read
 * it. Shown with every default spelled out.
 */
@Path("v1/tenants/{tenantId}/safety-policy")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SafetyPolicyResource {
  @Inject Caller caller;
  @Inject SafetyPolicies policies;

  @GET
  public String get(@PathParam("tenantId") String tenantId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    return policies.toJson(policies.get(tenant));
  }

  @PUT
  public String set(@PathParam("tenantId") String tenantId, String body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    return policies.toJson(policies.set(tenant, policies.fromJson(body)));
  }
}
