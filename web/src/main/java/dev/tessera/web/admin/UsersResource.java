package dev.tessera.web.admin;

import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.ForbiddenException;
import dev.tessera.tenancy.api.NewUser;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.UserView;
import dev.tessera.tenancy.api.Users;
import dev.tessera.web.admin.Representations.PageOf;
import dev.tessera.web.admin.Representations.User;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** A tenant's people. Only the platform operator may grant PLATFORM_ADMIN. */
@Path("v1/tenants/{tenantId}/users")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UsersResource {
  @Inject Caller caller;
  @Inject Users users;
  @Context UriInfo uri;

  @POST
  public Response create(@PathParam("tenantId") String tenantId, Bodies.CreateUser body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    Bodies.CreateUser b = Bodies.required(body);
    if (b.roles() != null && b.roles().contains(Role.PLATFORM_ADMIN) && !caller.isPlatformAdmin()) {
      throw new ForbiddenException("Only the platform operator may grant PLATFORM_ADMIN.");
    }
    UserView created =
        users.create(tenant, new NewUser(b.email(), b.displayName(), b.password(), b.roles()));
    return Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build())
        .entity(User.of(created))
        .build();
  }

  @GET
  public PageOf<User> list(
      @PathParam("tenantId") String tenantId,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    return PageOf.of(users.list(tenant, PageRequest.of(cursor, Bodies.limit(limit))), User::of);
  }
}
