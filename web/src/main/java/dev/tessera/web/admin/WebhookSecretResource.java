package dev.tessera.web.admin;

import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.WebhookSigning;
import dev.tessera.tenancy.api.WebhookSigning.WebhookSecret;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * The secret a tenant's webhook receivers verify signatures with (Standard Webhooks): its admin
 * reads it (made on first read) and rotates it; after a rotation the old one keeps signing next to
 * the new one for a day.
 */
@Path("v1/tenants/{tenantId}/webhook-secret")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class WebhookSecretResource {
  @Inject Caller caller;
  @Inject WebhookSigning signing;

  @GET
  public WebhookSecret get(@PathParam("tenantId") String tenantId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    return signing.current(tenant);
  }

  @POST
  @Path("rotate")
  public WebhookSecret rotate(@PathParam("tenantId") String tenantId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    return signing.rotate(tenant);
  }
}
