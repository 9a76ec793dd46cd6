package dev.tessera.routing.internal.adapters;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResponse;
import dev.tessera.routing.spi.ChatStream;
import dev.tessera.routing.spi.ChatStreamListener;
import dev.tessera.routing.spi.ProviderAdapter;
import dev.tessera.routing.spi.ProviderEndpoint;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * OpenAI's Chat Completions and Embeddings protocol, which OpenAI, Azure OpenAI, vLLM, Ollama, LM
 * Studio and most gateways speak. The base URL includes the version path ({@code .../v1}).
 */
@ApplicationScoped
public class OpenAiCompatibleAdapter implements ProviderAdapter {
  static final String KIND = "openai";
  private final ProviderTransport transport;

  @Inject
  public OpenAiCompatibleAdapter(ProviderTransport transport) {
    this.transport = transport;
  }

  protected OpenAiCompatibleAdapter() {
    this(null); // CDI proxy
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public CompletableFuture<ChatResponse> chat(
      ProviderEndpoint endpoint, ChatRequest request, Deadline deadline) {
    JsonObject body = OpenAiWire.chatBody(request, endpoint.modelFor(request.model()), false);
    return transport.postChat(
        KIND,
        ProviderTransport.uri(endpoint.baseUrl(), "/chat/completions", endpoint.queryParameters()),
        headers(endpoint),
        body,
        deadline,
        OpenAiWire::chatResponse);
  }

  @Override
  public ChatStream chatStream(
      ProviderEndpoint endpoint,
      ChatRequest request,
      Deadline deadline,
      ChatStreamListener listener) {
    JsonObject body = OpenAiWire.chatBody(request, endpoint.modelFor(request.model()), true);
    return transport.postStream(
        KIND,
        ProviderTransport.uri(endpoint.baseUrl(), "/chat/completions", endpoint.queryParameters()),
        headers(endpoint),
        body,
        deadline,
        new Decoder(),
        listener);
  }

  @Override
  public CompletableFuture<EmbeddingResponse> embed(
      ProviderEndpoint endpoint, EmbeddingRequest request, Deadline deadline) {
    JsonObject body = OpenAiWire.embeddingBody(request, endpoint.modelFor(request.model()));
    return transport.postJson(
        KIND,
        ProviderTransport.uri(endpoint.baseUrl(), "/embeddings", endpoint.queryParameters()),
        headers(endpoint),
        body,
        deadline,
        OpenAiWire::embeddingResponse);
  }

  private static Map<String, String> headers(ProviderEndpoint endpoint) {
    Map<String, String> h = new HashMap<>(endpoint.headers());
    if (endpoint.apiKey() != null) {
      h.put("Authorization", "Bearer " + endpoint.apiKey());
    }
    return h;
  }

  /** {@code data: {chunk}} lines until {@code data: [DONE]}; an {@code error} object is in-band. */
  private static final class Decoder implements StreamDecoder {
    private boolean done;

    @Override
    public List<ChatChunk> decode(String event, String data) {
      if ("[DONE]".equals(data.strip())) {
        done = true;
        return List.of();
      }
      JsonObject o = JsonSupport.parseObject(data);
      JsonObject error = JsonSupport.object(o, "error");
      if (error != null) {
        throw Failures.inBand(KIND, error);
      }
      return List.of(OpenAiWire.chunk(o));
    }

    @Override
    public boolean finished() {
      return done;
    }
  }
}
