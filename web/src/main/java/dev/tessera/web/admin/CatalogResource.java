package dev.tessera.web.admin;

import dev.tessera.routing.api.CatalogAdmin;
import dev.tessera.routing.api.CatalogAdmin.ModelView;
import dev.tessera.routing.api.CatalogAdmin.ProviderView;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.web.admin.Representations.PageOf;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/** The model catalog (platform operator only): provider deployments and the models they serve. */
@Path("v1")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CatalogResource {
  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  @Inject Caller caller;
  @Inject CatalogAdmin catalog;

  /** A credential change; {@code apiKey} null removes the credential. */
  public record Credential(String apiKey) {}

  @POST
  @Path("providers")
  public Response addProvider(CatalogAdmin.NewProvider body) {
    caller.requirePlatformAdmin();
    return Response.status(201).entity(catalog.addProvider(body)).build();
  }

  @GET
  @Path("providers")
  public PageOf<ProviderView> providers() {
    caller.requirePlatformAdmin();
    return PageOf.of(catalog.providers(PageRequest.of(null, null)), p -> p);
  }

  @PUT
  @Path("providers/{id}/credential")
  public ProviderView setCredential(@PathParam("id") String id, Credential body) {
    caller.requirePlatformAdmin();
    return catalog.setCredential(uuid(id, "provider"), Bodies.required(body).apiKey());
  }

  @DELETE
  @Path("providers/{id}")
  public Response removeProvider(@PathParam("id") String id) {
    caller.requirePlatformAdmin();
    catalog.removeProvider(uuid(id, "provider"));
    return Response.noContent().build();
  }

  @Inject dev.tessera.routing.api.ProviderKeys providerKeys;

  /**
   * Re-encrypts every credential (the platform's and tenants' own keys) under the current master
   * key (after a key rotation).
   */
  @POST
  @Path("providers/re-encrypt")
  public String reencrypt() {
    caller.requirePlatformAdmin();
    return JSON.createObjectBuilder()
        .add("reencrypted", catalog.reencryptCredentials())
        .add("tenantKeysReencrypted", providerKeys.reencryptAll())
        .build()
        .toString();
  }

  @POST
  @Path("models")
  public Response addModel(CatalogAdmin.NewModel body) {
    caller.requirePlatformAdmin();
    return Response.status(201).entity(catalog.addModel(body)).build();
  }

  @GET
  @Path("models")
  public PageOf<ModelView> models() {
    caller.requirePlatformAdmin();
    return PageOf.of(catalog.models(PageRequest.of(null, null)), m -> m);
  }

  @DELETE
  @Path("models/{id}")
  public Response removeModel(@PathParam("id") String id) {
    caller.requirePlatformAdmin();
    catalog.removeModel(uuid(id, "model"));
    return Response.noContent().build();
  }

  private static UUID uuid(String raw, String what) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw new NotFoundException(what, raw);
    }
  }
}
