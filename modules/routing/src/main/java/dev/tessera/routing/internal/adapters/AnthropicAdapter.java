package dev.tessera.routing.internal.adapters;

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
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Anthropic's Messages API ({@code POST /v1/messages}); the base URL has no version path. */
@ApplicationScoped
public class AnthropicAdapter implements ProviderAdapter {
  static final String KIND = "anthropic";
  static final String API_VERSION = "2023-06-01";
  private final ProviderTransport transport;

  @Inject
  public AnthropicAdapter(ProviderTransport transport) {
    this.transport = transport;
  }

  protected AnthropicAdapter() {
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
      body = AnthropicWire.body(request, endpoint.modelFor(request.model()), false);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(Failures.unsupported(KIND, e.getMessage()));
    }
    String schemaTool = AnthropicWire.schemaTool(request);
    return transport.postChat(
        KIND,
        uri(endpoint),
        headers(endpoint),
        body,
        deadline,
        o -> AnthropicWire.response(o, schemaTool));
  }

  @Override
  public ChatStream chatStream(
      ProviderEndpoint endpoint,
      ChatRequest request,
      Deadline deadline,
      ChatStreamListener listener) {
    JsonObject body;
    try {
      body = AnthropicWire.body(request, endpoint.modelFor(request.model()), true);
    } catch (IllegalArgumentException e) {
      return FailedStream.of(Failures.unsupported(KIND, e.getMessage()), listener);
    }
    var decoder =
        new AnthropicStreamDecoder(AnthropicWire.schemaTool(request), request.includeUsage());
    return transport.postStream(
        KIND, uri(endpoint), headers(endpoint), body, deadline, decoder, listener);
  }

  @Override
  public CompletableFuture<EmbeddingResponse> embed(
      ProviderEndpoint endpoint, EmbeddingRequest request, Deadline deadline) {
    return CompletableFuture.failedFuture(
        Failures.unsupported(KIND, "Anthropic offers no embeddings API"));
  }

  private static URI uri(ProviderEndpoint endpoint) {
    return ProviderTransport.uri(endpoint.baseUrl(), "/v1/messages", endpoint.queryParameters());
  }

  private static Map<String, String> headers(ProviderEndpoint endpoint) {
    Map<String, String> h = new HashMap<>();
    h.put("anthropic-version", API_VERSION);
    if (endpoint.apiKey() != null) {
      h.put("x-api-key", endpoint.apiKey());
    }
    h.putAll(endpoint.headers()); // e.g. anthropic-beta, or a newer anthropic-version
    return h;
  }
}
