package dev.tessera.routing.spi;

import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Speaks one provider wire protocol. Each call is one upstream attempt, non-blocking, bounded by
 * its {@link Deadline}; failures arrive as {@link dev.tessera.routing.api.ProviderException} (the
 * future completes exceptionally with it, never with a raw I/O error), so decorators for retry,
 * circuit breaking and fallback can wrap any adapter.
 */
public interface ProviderAdapter {

  /** The protocol name configuration refers to, e.g. {@code openai}, {@code anthropic}. */
  String kind();

  /** A complete answer. {@code request.stream()} is ignored: this call never streams. */
  CompletableFuture<ChatResponse> chat(
      ProviderEndpoint endpoint, ChatRequest request, Deadline deadline);

  /**
   * Streams the answer to {@code listener} chunk by chunk as the provider sends it. Whatever the
   * provider's protocol, chunks look like OpenAI's; usage arrives in a final choice-less chunk when
   * {@code request.includeUsage()}.
   */
  ChatStream chatStream(
      ProviderEndpoint endpoint,
      ChatRequest request,
      Deadline deadline,
      ChatStreamListener listener);

  /** Embeds the inputs; adapters of providers without embeddings fail with CLIENT_ERROR. */
  CompletableFuture<EmbeddingResponse> embed(
      ProviderEndpoint endpoint, EmbeddingRequest request, Deadline deadline);
}
