package dev.tessera.web.admin;

import dev.tessera.routing.api.ProviderKeys;
import dev.tessera.routing.api.ProviderKeys.ProviderKeyView;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A tenant's own provider keys (bring your own key): its admin sets one per provider, sees only a
 * hint of it afterwards, and removes it to go back to the platform's credential.
 */
@Path("v1/tenants/{tenantId}/provider-keys")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ProviderKeysResource {
  /** The body of a PUT: the key itself. */
  public record SetKey(String apiKey) {}

  @Inject Caller caller;
  @Inject ProviderKeys keys;

  @GET
  public Map<String, List<ProviderKeyView>> list(@PathParam("tenantId") String tenantId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    return Map.of("data", keys.list(tenant));
  }

  @PUT
  @Path("{providerId}")
  public ProviderKeyView set(
      @PathParam("tenantId") String tenantId,
      @PathParam("providerId") String providerId,
      SetKey body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    return keys.set(tenant, provider(providerId), Bodies.required(body).apiKey());
  }

  @DELETE
  @Path("{providerId}")
  public Response remove(
      @PathParam("tenantId") String tenantId, @PathParam("providerId") String providerId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    keys.remove(tenant, provider(providerId));
    return Response.noContent().build();
  }

  private static UUID provider(String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw new NotFoundException("provider", raw);
    }
  }
}
