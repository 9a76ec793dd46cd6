package dev.tessera.web.openai;

import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResult;
import dev.tessera.routing.api.Gateway;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.codec.OpenAiJson;
import dev.tessera.routing.codec.OpenAiRequests;
import dev.tessera.tenancy.api.KeyPrincipal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** {@code POST /v1/embeddings}. */
@Path("embeddings")
@ApplicationScoped
public class EmbeddingsResource {
  @Inject Inference inference;
  @Inject Gateway gateway;

  @POST
  public Response create(String body) {
    KeyPrincipal key = inference.requireInferenceKey();
    jakarta.json.JsonObject json = Inference.parse(body);
    EmbeddingRequest request = OpenAiRequests.embeddings(json);
    String format = OpenAiRequests.string(json, "encoding_format", false);
    if (format != null && !format.equals("float") && !format.equals("base64")) {
      throw dev.tessera.tenancy.api.InvalidInputException.field(
          "encoding_format", "must be float or base64");
    }
    inference.chargeTokens(key, body.length() / 4);
    GatewayCall call = inference.call(key);
    EmbeddingResult result = gateway.embed(call, request);
    return Response.ok(
            OpenAiJson.embeddings(result.response(), "base64".equals(format)).toString(),
            "application/json")
        .header("x-request-id", call.requestId())
        .header("x-tessera-model", result.servedModel())
        .header("x-tessera-cache", result.cache().header())
        .build();
  }
}
