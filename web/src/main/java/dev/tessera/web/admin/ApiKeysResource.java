package dev.tessera.web.admin;

import dev.tessera.tenancy.api.ApiKeyScope;
import dev.tessera.tenancy.api.ApiKeys;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.IssuedApiKey;
import dev.tessera.tenancy.api.NewApiKey;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.web.admin.Representations.ApiKey;
import dev.tessera.web.admin.Representations.IssuedKey;
import dev.tessera.web.admin.Representations.PageOf;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/** A tenant's API keys. Creating returns the key once; afterwards only its prefix is shown. */
@Path("v1/tenants/{tenantId}/api-keys")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ApiKeysResource {
  @Inject Caller caller;
  @Inject ApiKeys keys;
  @Context UriInfo uri;

  @POST
  public Response create(@PathParam("tenantId") String tenantId, Bodies.CreateKey body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    Bodies.CreateKey b = Bodies.required(body);
    Set<ApiKeyScope> scopes = EnumSet.noneOf(ApiKeyScope.class);
    if (b.scopes() != null) {
      b.scopes().forEach(s -> scopes.add(ApiKeyScope.fromWire(s)));
    }
    IssuedApiKey issued = keys.create(tenant, new NewApiKey(b.name(), scopes, b.expiresAt()));
    return Response.created(
            uri.getAbsolutePathBuilder().path(issued.view().id().toString()).build())
        .entity(
            new IssuedKey(issued.view().id().toString(), issued.key(), ApiKey.of(issued.view())))
        .build();
  }

  @GET
  public PageOf<ApiKey> list(
      @PathParam("tenantId") String tenantId,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    return PageOf.of(keys.list(tenant, PageRequest.of(cursor, Bodies.limit(limit))), ApiKey::of);
  }

  @DELETE
  @Path("{keyId}")
  public ApiKey revoke(@PathParam("tenantId") String tenantId, @PathParam("keyId") String keyId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    return ApiKey.of(keys.revoke(tenant, parseKeyId(keyId)));
  }

  private static UUID parseKeyId(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw new NotFoundException("API key", raw);
    }
  }
}
