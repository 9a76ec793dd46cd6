package dev.tessera.routing.internal.adapters;

import static dev.tessera.routing.internal.adapters.JsonSupport.JSON;
import static dev.tessera.routing.internal.adapters.JsonSupport.array;
import static dev.tessera.routing.internal.adapters.JsonSupport.obj;

import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.Embedding;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResponse;
import dev.tessera.routing.spi.ChatStream;
import dev.tessera.routing.spi.ChatStreamListener;
import dev.tessera.routing.spi.ProviderAdapter;
import dev.tessera.routing.spi.ProviderEndpoint;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Google's Gemini API ({@code /v1beta/models/{model}:generateContent}, {@code
 * :streamGenerateContent?alt=sse}, {@code :batchEmbedContents}); the base URL has no version path.
 */
@ApplicationScoped
public class GeminiAdapter implements ProviderAdapter {
  static final String KIND = "gemini";
  private final ProviderTransport transport;

  @Inject
  public GeminiAdapter(ProviderTransport transport) {
    this.transport = transport;
  }

  protected GeminiAdapter() {
    this(null); // CDI proxy
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public CompletableFuture<ChatResponse> chat(
      ProviderEndpoint endpoint, ChatRequest request, Deadline deadline) {
    JsonObject body;
    try {
      body = GeminiWire.body(request);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(Failures.unsupported(KIND, e.getMessage()));
    }
    String model = endpoint.modelFor(request.model());
    return transport.postChat(
        KIND,
        uri(endpoint, model, ":generateContent"),
        headers(endpoint),
        body,
        deadline,
        GeminiWire::response);
  }

  @Override
  public ChatStream chatStream(
      ProviderEndpoint endpoint,
      ChatRequest request,
      Deadline deadline,
      ChatStreamListener listener) {
    JsonObject body;
    try {
      body = GeminiWire.body(request);
    } catch (IllegalArgumentException e) {
      return FailedStream.of(Failures.unsupported(KIND, e.getMessage()), listener);
    }
    String model = endpoint.modelFor(request.model());
    return transport.postStream(
        KIND,
        uri(endpoint, model, ":streamGenerateContent?alt=sse"),
        headers(endpoint),
        body,
        deadline,
        new GeminiStreamDecoder(request.includeUsage()),
        listener);
  }

  @Override
  public CompletableFuture<EmbeddingResponse> embed(
      ProviderEndpoint endpoint, EmbeddingRequest request, Deadline deadline) {
    String model = endpoint.modelFor(request.model());
    JsonArrayBuilder requests = JSON.createArrayBuilder();
    for (String text : request.input()) {
      requests.add(
          obj()
              .put("model", "models/" + model)
              .put(
                  "content",
                  obj()
                      .put(
                          "parts",
                          JSON.createArrayBuilder().add(obj().put("text", text).build()).build()))
              .put("outputDimensionality", request.dimensions())
              .build());
    }
    JsonObject body = obj().put("requests", requests.build()).build();
    return transport.postJson(
        KIND,
        uri(endpoint, model, ":batchEmbedContents"),
        headers(endpoint),
        body,
        deadline,
        o -> embeddings(o, model));
  }

  private static EmbeddingResponse embeddings(JsonObject o, String model) {
    List<Embedding> data = new ArrayList<>();
    for (JsonValue e : array(o, "embeddings")) {
      data.add(
          new Embedding(data.size(), OpenAiWire.floats(e.asJsonObject().getJsonArray("values"))));
    }
    return new EmbeddingResponse(model, data, null); // Gemini reports no embedding token usage
  }

  private static URI uri(ProviderEndpoint endpoint, String model, String method) {
    return ProviderTransport.uri(
        endpoint.baseUrl(), "/v1beta/models/" + model + method, endpoint.queryParameters());
  }

  private static Map<String, String> headers(ProviderEndpoint endpoint) {
    Map<String, String> h = new HashMap<>(endpoint.headers());
    if (endpoint.apiKey() != null) {
      h.put("x-goog-api-key", endpoint.apiKey());
    }
    return h;
  }
}
