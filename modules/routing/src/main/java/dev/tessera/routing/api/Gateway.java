package dev.tessera.routing.api;

import java.util.List;

/**
 * The model gateway as the web layer sees it: picks the model that serves a request (explicit,
 * alias or {@code auto}), calls it within the call's deadline, and says which model served.
 */
public interface Gateway {
  /** A complete chat answer. */
  GatewayResult chat(GatewayCall call, ChatRequest request);

  /**
   * Streams a chat answer to {@code listener} as it arrives. Routing happens before this returns,
   * so the handle already names the serving model; the chunks follow on another thread.
   */
  StreamHandle chatStream(GatewayCall call, ChatRequest request, ChunkListener listener);

  /** Embeds the inputs with the requested (or default) embedding model. */
  EmbeddingResult embed(GatewayCall call, EmbeddingRequest request);

  /** The models this tenant may use, aliases included. */
  List<ModelInfo> models(GatewayCall call);
}
