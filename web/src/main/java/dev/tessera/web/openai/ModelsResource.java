package dev.tessera.web.openai;

import dev.tessera.routing.api.Gateway;
import dev.tessera.routing.api.ModelInfo;
import dev.tessera.routing.api.UnknownModelException;
import dev.tessera.routing.codec.OpenAiJson;
import dev.tessera.tenancy.api.KeyPrincipal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET /v1/models[/{id}]}: what this tenant may call. */
@Path("models")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class ModelsResource {
  @Inject Inference inference;
  @Inject Gateway gateway;

  @GET
  public String list() {
    KeyPrincipal key = inference.requireInferenceKey();
    return OpenAiJson.models(gateway.models(inference.call(key))).toString();
  }

  @GET
  @Path("{id}")
  public String get(@PathParam("id") String id) {
    KeyPrincipal key = inference.requireInferenceKey();
    ModelInfo m =
        gateway.models(inference.call(key)).stream()
            .filter(x -> x.id().equals(id))
            .findFirst()
            .orElseThrow(
                () ->
                    new UnknownModelException(
                        id,
                        "The model '" + id + "' does not exist or you do not have access to it."));
    return OpenAiJson.model(m).toString();
  }
}
