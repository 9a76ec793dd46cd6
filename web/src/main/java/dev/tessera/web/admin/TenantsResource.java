package dev.tessera.web.admin;

import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.NewTenant;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantLimits;
import dev.tessera.tenancy.api.TenantPatch;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.Tenants;
import dev.tessera.web.admin.Representations.PageOf;
import dev.tessera.web.admin.Representations.Tenant;
import dev.tessera.web.admin.Representations.TierMove;
import dev.tessera.web.sso.KeycloakDirectory;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** Tenants: the platform operator manages all; a tenant's admin key sees only its own. */
@Path("v1/tenants")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TenantsResource {
  @Inject Caller caller;
  @Inject Tenants tenants;
  @Inject KeycloakDirectory directory;
  @Context UriInfo uri;

  @POST
  public Response create(Bodies.CreateTenant body) {
    caller.requirePlatformAdmin();
    Bodies.CreateTenant b = Bodies.required(body);
    TenantLimits limits = b.limits() == null ? null : b.limits().over(defaults());
    TenantView created = tenants.create(new NewTenant(b.slug(), b.name(), b.tier(), limits));
    directory.tenantCreated(created, b.adminEmail()); // Keycloak groups, when SSO is set up
    return Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build())
        .entity(Tenant.of(created))
        .build();
  }

  @GET
  public PageOf<Tenant> list(
      @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    caller.requirePlatformAdmin();
    return PageOf.of(tenants.list(PageRequest.of(cursor, Bodies.limit(limit))), Tenant::of);
  }

  @GET
  @Path("{tenantId}")
  public Tenant get(@PathParam("tenantId") String tenantId) {
    TenantId id = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER, Role.BILLING);
    return Tenant.of(tenants.get(id));
  }

  @PATCH
  @Path("{tenantId}")
  public Tenant update(@PathParam("tenantId") String tenantId, Bodies.PatchTenant body) {
    caller.requirePlatformAdmin();
    TenantId id = TenantId.parse(tenantId);
    Bodies.PatchTenant b = Bodies.required(body);
    TenantView current = tenants.get(id);
    TenantLimits limits = b.limits() == null ? null : b.limits().over(current.limits());
    return Tenant.of(tenants.update(id, new TenantPatch(b.name(), limits, b.status())));
  }

  @DELETE
  @Path("{tenantId}")
  public Tenant delete(@PathParam("tenantId") String tenantId) {
    caller.requirePlatformAdmin();
    TenantId id = TenantId.parse(tenantId);
    TenantView deleted = tenants.delete(id);
    directory.tenantDeleted(deleted);
    return Tenant.of(deleted);
  }

  /** The tenant's tier and its latest move: poll it while a move runs to see how far it has got. */
  @GET
  @Path("{tenantId}/tier")
  public Representations.TierState tier(@PathParam("tenantId") String tenantId) {
    caller.requirePlatformAdmin();
    TenantId id = TenantId.parse(tenantId);
    return Representations.TierState.of(tenants.get(id), tenants.latestTierMove(id));
  }

  @POST
  @Path("{tenantId}/tier")
  public TierMove changeTier(@PathParam("tenantId") String tenantId, Bodies.ChangeTier body) {
    caller.requirePlatformAdmin();
    TenantId id = TenantId.parse(tenantId);
    Bodies.ChangeTier b = Bodies.required(body);
    return TierMove.of(tenants.changeTier(id, b.tier()));
  }

  private TenantLimits defaults() {
    return tenants.defaultLimits();
  }
}
